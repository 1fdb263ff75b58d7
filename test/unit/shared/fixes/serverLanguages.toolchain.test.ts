// The server heartbeat snippets in Go, Python, Rust and Java, and the client watchdog snippets in all
// five languages, are checked by real toolchains: Go's stdlib ones are compiled by `go build`, the
// others parsed by gofmt; TypeScript by the project's tsc; Python by py_compile; Java by javac
// (only unresolved library symbols allowed: Spring and grpc-java are not on this machine); Rust by
// rustfmt (crates cannot be fetched here, so parsing is as far as it goes). In CI a missing tool fails.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ENDPOINT_KINDS } from '../../../../src/core/config.ts';
import { findBinary } from '../../../../src/lab/proxies/runner.ts';
import type { Finding } from '../../../../src/core/model.ts';
import { clientWatchdogSnippetIn, isServerLanguage, keepaliveSnippetIn, SERVER_LANGUAGES, serverSnippetIn } from '../../../../src/shared/fixes/index.ts';
import type { ServerLanguage } from '../../../../src/shared/fixes/index.ts';

const run = promisify(execFile);
const HEARTBEAT_SECONDS = 0.6;

function tool(name: string): string | false {
  const path = findBinary(name);
  if (path) return path;
  if (process.env.CI === 'true') throw new Error(`${name} is not installed; scripts/setup.sh installs it (APT_PACKAGES)`);
  return false;
}

/** One server snippet per heartbeat shape (sse and mcp share the SSE one). */
function serverSnippets(language: ServerLanguage) {
  const seen = new Map<string, ReturnType<typeof serverSnippetIn>>();
  for (const kind of ENDPOINT_KINDS) {
    const s = serverSnippetIn(language, kind, HEARTBEAT_SECONDS);
    seen.set(s.id, s);
  }
  return [...seen.values()];
}

/** A keepalive-mismatch finding, for the server keep-alive snippets (Rust's is prose, not code). */
const KEEPALIVE_FINDING: Finding = { finding: 'keepalive-mismatch', message: 'm', fix: 'f', evidence: 2, estimateMs: 5_000, match: 'nginx' };

/** Everything a toolchain checks in `language`: the server snippets, the client watchdog and the keep-alive fix. */
function snippets(language: ServerLanguage) {
  const keepalive = keepaliveSnippetIn(language, KEEPALIVE_FINDING);
  return [...serverSnippets(language), clientWatchdogSnippetIn(language, HEARTBEAT_SECONDS), ...(keepalive.language === 'text' ? [] : [keepalive])];
}

async function inTemp<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'stream-health-snippets-'));
  try {
    return await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const failed = (error: unknown) => `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;

test('every language has a snippet per heartbeat shape, with the measured interval in it', () => {
  for (const language of SERVER_LANGUAGES) {
    const list = serverSnippets(language);
    assert.equal(list.length, 3, `${language}: sse, websocket, grpc`);
    for (const s of list) {
      assert.equal(s.language, language);
      assert.equal(s.side, 'server');
      if (language !== 'typescript') assert.match(`${s.code}\n${s.brief}`, /\b600\b|0\.6/, `${s.id} carries the 600 ms interval`);
    }
  }
  assert.ok(isServerLanguage('go') && !isServerLanguage('cobol'));
});

test('every language has a client watchdog at 3 heartbeats with backoff, jitter and a reset', () => {
  for (const language of SERVER_LANGUAGES) {
    const s = clientWatchdogSnippetIn(language, HEARTBEAT_SECONDS);
    assert.equal(s.side, 'client');
    assert.equal(s.language, language);
    assert.equal(s.id, `client-watchdog-${language}`);
    assert.match(s.code, /\b1800\b|1_800|\b1\.8\b/, `${s.id} carries the 1.8 s idle window`);
    assert.match(s.code, /\b600\b|0\.6/, `${s.id} says which heartbeat the window is 3x of`);
    assert.match(s.code, /60_?000|60\.0/, `${s.id} caps the backoff at 60 s`);
    assert.match(s.code, /random|Random|rand/, `${s.id} jitters`);
    assert.match(s.code, /attempt = 0/, `${s.id} resets the backoff after a healthy session`);
  }
  assert.match(clientWatchdogSnippetIn('go', 20).code, /60000 \* time\.Millisecond \/\/ 3 x the 20000 ms/);
});

test('TypeScript: the client watchdog type-checks with the project\'s tsc, and a broken copy does not', async () => {
  const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.tmp', 'client-snippet-'));
  try {
    const code = clientWatchdogSnippetIn('typescript', HEARTBEAT_SECONDS).code;
    writeFileSync(join(dir, 'watchdog.ts'), code);
    // The control: a handler given the wrong type must fail, or the check proves nothing.
    writeFileSync(join(dir, 'broken.ts'), code.replace('handle(chunk);', 'handle(String(chunk));'));
    const args = [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--target', 'es2023', '--module', 'nodenext',
      '--moduleResolution', 'nodenext', '--erasableSyntaxOnly', '--skipLibCheck', '--types', 'node', join(dir, 'watchdog.ts'), join(dir, 'broken.ts')];
    const output = await run(process.execPath, args, { cwd: ROOT }).then(() => '', (error) => failed(error));
    const errors = output.split('\n').filter((line) => line.includes('error TS'));
    assert.ok(errors.length > 0 && errors.every((line) => line.includes('broken.ts')), `only the broken copy fails:\n${output}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Go: the stdlib SSE snippet compiles with go build; the others parse with gofmt', { skip: !tool('go') && 'go is not installed' }, async () => {
  await inTemp(async (dir) => {
    for (const s of snippets('go')) {
      const file = join(dir, `${s.id}.go`);
      writeFileSync(file, s.code);
      const env = { ...process.env, GOCACHE: join(dir, 'cache'), GOPATH: join(dir, 'gopath'), GO111MODULE: 'off', HOME: dir };
      if (s.id === 'server-sse-go' || s.id === 'client-watchdog-go') {
        await run('go', ['build', '-o', join(dir, 'sse'), file], { env }).catch((error) => assert.fail(`go build ${s.id}:\n${failed(error)}`));
      } else {
        await run('gofmt', ['-e', '-l', file]).catch((error) => assert.fail(`gofmt ${s.id}:\n${failed(error)}`));
      }
    }
  });
});

test('Python: every snippet compiles with py_compile', { skip: !tool('python3') && 'python3 is not installed' }, async () => {
  await inTemp(async (dir) => {
    for (const s of snippets('python')) {
      const file = join(dir, `${s.id.replace(/-/g, '_')}.py`);
      writeFileSync(file, s.code);
      await run('python3', ['-m', 'py_compile', file]).catch((error) => assert.fail(`py_compile ${s.id}:\n${failed(error)}`));
    }
  });
});

test('Java: javac finds no error but the missing Spring / grpc-java libraries (none at all in the JDK-only client)', { skip: !tool('javac') && 'javac is not installed' }, async () => {
  await inTemp(async (dir) => {
    for (const s of snippets('java')) {
      const name = /public class (\w+)/.exec(s.code)![1]!;
      const file = join(dir, `${name}.java`);
      writeFileSync(file, s.code);
      const output = await run('javac', ['-d', join(dir, 'out'), file]).then(() => '', (error) => failed(error));
      const errors = output.split('\n').filter((line) => /error:/.test(line));
      // The client watchdog uses the JDK only, so it must compile outright.
      const other = s.side === 'client' ? errors : errors.filter((line) => !/package [\w.]+ does not exist|cannot find symbol|method does not override|static import only from classes/.test(line));
      assert.deepEqual(other, [], `${s.id}: javac errors other than missing libraries:\n${output}`);
    }
  });
});

test('Rust: every snippet parses with rustfmt', { skip: !tool('rustfmt') && 'rustfmt is not installed' }, async () => {
  await inTemp(async (dir) => {
    for (const s of snippets('rust')) {
      const file = join(dir, `${s.id.replace(/-/g, '_')}.rs`);
      writeFileSync(file, s.code);
      await run('rustfmt', ['--edition', '2021', '--check', file]).catch((error) => {
        const text = failed(error);
        // --check exits 1 for a mere formatting difference (a diff); a parse error says "error".
        if (/^error/m.test(text)) assert.fail(`rustfmt ${s.id}:\n${text}`);
      });
    }
  });
});

/**
 * Runs a client watchdog against a real server that sends one chunk per connection and then goes
 * silent: the client must give up after the idle window (3 x 600 ms) and connect again.
 */
async function watchdogReconnects(command: string, args: (url: string) => string[]): Promise<void> {
  const opened: number[] = [];
  const closed: number[] = [];
  const server = createServer((req, res) => {
    opened.push(performance.now());
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(': hello\n\n');
    req.socket.on('close', () => closed.push(performance.now()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/events`;
  const child = spawn(command, args(url), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk; });
  try {
    const deadline = performance.now() + 15_000;
    while (opened.length < 2 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(opened.length >= 2, `${command} reconnected after the silent stream (connections: ${opened.length}, stderr: ${stderr})`);
    const silentMs = closed[0]! - opened[0]!;
    // The 1.8 s window, give or take process start-up and a busy machine; never much sooner.
    assert.ok(silentMs >= 1700 && silentMs < 2800, `${command} gave up after ${Math.round(silentMs)} ms of silence, expected about 1800`);
    // Backoff after a session longer than the window starts over: a random 0..1 s, not a grown delay.
    assert.ok(opened[1]! - closed[0]! < 1500, `reconnected ${Math.round(opened[1]! - closed[0]!)} ms after giving up`);
  } finally {
    child.kill();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

test('the Go and Python client watchdogs really abort a silent stream after 3 heartbeats and reconnect', { skip: (!tool('go') || !tool('python3')) && 'go or python3 is not installed' }, async () => {
  await inTemp(async (dir) => {
    const py = join(dir, 'watchdog.py');
    writeFileSync(py, clientWatchdogSnippetIn('python', HEARTBEAT_SECONDS).code);
    const go = join(dir, 'watchdog.go');
    writeFileSync(go, clientWatchdogSnippetIn('go', HEARTBEAT_SECONDS).code);
    const env = { ...process.env, GOCACHE: join(dir, 'cache'), GOPATH: join(dir, 'gopath'), GO111MODULE: 'off', HOME: dir };
    await run('go', ['build', '-o', join(dir, 'watchdog'), go], { env });
    await Promise.all([
      watchdogReconnects('python3', (url) => [py, url]),
      watchdogReconnects(join(dir, 'watchdog'), (url) => [url]),
    ]);
  });
});

