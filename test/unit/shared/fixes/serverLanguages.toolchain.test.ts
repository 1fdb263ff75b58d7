// The server heartbeat snippets in Go, Python, Rust and Java are checked by real toolchains: Go's
// stdlib one is compiled by `go build`, the others parsed by gofmt; Python by py_compile; Java by javac
// (only unresolved library symbols allowed: Spring and grpc-java are not on this machine); Rust by
// rustfmt (crates cannot be fetched here, so parsing is as far as it goes). In CI a missing tool fails.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ENDPOINT_KINDS } from '../../../../src/core/config.ts';
import { findBinary } from '../../../../src/lab/proxies/runner.ts';
import { isServerLanguage, SERVER_LANGUAGES, serverSnippetIn } from '../../../../src/shared/fixes/index.ts';
import type { ServerLanguage } from '../../../../src/shared/fixes/index.ts';

const run = promisify(execFile);
const HEARTBEAT_SECONDS = 0.6;

function tool(name: string): string | false {
  const path = findBinary(name);
  if (path) return path;
  if (process.env.CI === 'true') throw new Error(`${name} is not installed; scripts/setup.sh installs it (APT_PACKAGES)`);
  return false;
}

/** One snippet per heartbeat shape (sse and mcp share the SSE one). */
function snippets(language: ServerLanguage) {
  const seen = new Map<string, ReturnType<typeof serverSnippetIn>>();
  for (const kind of ENDPOINT_KINDS) {
    const s = serverSnippetIn(language, kind, HEARTBEAT_SECONDS);
    seen.set(s.id, s);
  }
  return [...seen.values()];
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
    const list = snippets(language);
    assert.equal(list.length, 3, `${language}: sse, websocket, grpc`);
    for (const s of list) {
      assert.equal(s.language, language);
      assert.equal(s.side, 'server');
      if (language !== 'typescript') assert.match(`${s.code}\n${s.brief}`, /\b600\b|0\.6/, `${s.id} carries the 600 ms interval`);
    }
  }
  assert.ok(isServerLanguage('go') && !isServerLanguage('cobol'));
});

test('Go: the stdlib SSE snippet compiles with go build; the others parse with gofmt', { skip: !tool('go') && 'go is not installed' }, async () => {
  await inTemp(async (dir) => {
    for (const s of snippets('go')) {
      const file = join(dir, `${s.id}.go`);
      writeFileSync(file, s.code);
      const env = { ...process.env, GOCACHE: join(dir, 'cache'), GOPATH: join(dir, 'gopath'), GO111MODULE: 'off', HOME: dir };
      if (s.id === 'server-sse-go') {
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

test('Java: javac finds no error but the missing Spring / grpc-java libraries', { skip: !tool('javac') && 'javac is not installed' }, async () => {
  await inTemp(async (dir) => {
    for (const s of snippets('java')) {
      const name = /public class (\w+)/.exec(s.code)![1]!;
      const file = join(dir, `${name}.java`);
      writeFileSync(file, s.code);
      const output = await run('javac', ['-d', join(dir, 'out'), file]).then(() => '', (error) => failed(error));
      const errors = output.split('\n').filter((line) => /error:/.test(line));
      const other = errors.filter((line) => !/package [\w.]+ does not exist|cannot find symbol|method does not override|static import only from classes/.test(line));
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
