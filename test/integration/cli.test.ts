// The built `stream-health` CLI (dist/cli.cjs) against a real local SSE server: NDJSON shape per
// docs/design.md, exit codes 0/1/2, Ctrl-C, probe-idle, and a planted secret that never reaches the output.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import { startMcpV1Server } from '../../src/lab/servers/mcpV1.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli.cjs');
const SECRET = 'planted-Secret-7f3a9c';
/** Longest any one CLI run may take before the test kills it. */
const RUN_LIMIT_MS = 30_000;

/** The fields docs/design.md allows per event (besides ts, endpoint, event); optional ones may be absent. */
const FIELDS: Record<string, { required: string[]; optional: string[] }> = {
  connecting: { required: ['attempt'], optional: [] },
  open: { required: ['detail'], optional: [] },
  heartbeat: { required: ['direction', 'kind'], optional: ['rttMs'] },
  message: { required: ['bytes'], optional: [] },
  stale: { required: ['silenceMs'], optional: [] },
  drop: { required: ['cause', 'streamAgeMs', 'silenceMs', 'detail'], optional: ['httpStatus', 'grpcCode', 'wsCloseCode', 'end', 'hops'] },
  error: { required: ['cause', 'message'], optional: ['httpStatus', 'hops'] },
  backoff: { required: ['attempt', 'delayMs'], optional: [] },
  diagnosis: { required: ['finding', 'message', 'evidence'], optional: ['estimateMs', 'recommendedHeartbeatMs', 'match', 'hops', 'spreadMs'] },
  paused: { required: [], optional: [] },
  resumed: { required: [], optional: [] },
};

let server: http.Server;
let base = '';
let dir = '';
const openStreams = new Set<http.ServerResponse>();
let closedStreams = 0;

before(async () => {
  // Build only the CLI bundle (same options as esbuild.mjs's CLI target), so this test does not depend
  // on the extension or webview bundles building.
  await esbuild.build({
    entryPoints: [join(ROOT, 'src/cli/main.ts')], outfile: CLI, bundle: true, platform: 'node', format: 'cjs', target: 'node22',
    external: ['vscode', 'bufferutil', 'utf-8-validate'], banner: { js: '#!/usr/bin/env node' }, logLevel: 'error', sourcemap: 'linked',
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  });
  dir = mkdtempSync(join(tmpdir(), 'sh-cli-'));
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/private') {
      if (req.headers.authorization !== `Bearer ${SECRET}`) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('no');
        return;
      }
      // Authorized, but the server echoes the credential in an error page and in response headers (a
      // careless server behind a CDN): hops are named from Server and cf-ray, never the other headers.
      res.writeHead(403, { 'content-type': 'text/html', server: 'nginx', 'cf-ray': '8f1c-FRA', 'set-cookie': `session=${SECRET}`, 'www-authenticate': `Bearer ${SECRET}`, 'x-debug': SECRET }).end(`<html><body>forbidden for ${req.headers.authorization}</body></html>`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('data: {"hello":1}\n\n');
    openStreams.add(res);
    const cutAfterSilenceMs = Number(url.searchParams.get('cutAfterSilenceMs') ?? 0);
    // heartbeats: SSE comments every 200 ms; cut: silent, then destroyed like an idle proxy would.
    const timer = cutAfterSilenceMs > 0
      ? setTimeout(() => res.destroy(), cutAfterSilenceMs)
      : setInterval(() => res.write(': keepalive\n\n'), 200);
    res.on('close', () => {
      clearTimeout(timer);
      clearInterval(timer);
      openStreams.delete(res);
      closedStreams += 1;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  for (const res of openStreams) res.destroy();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], options: { env?: Record<string, string>; onStdout?: (text: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      options.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

function parseNdjson(text: string): Record<string, unknown>[] {
  return text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

function assertDesignShape(event: Record<string, unknown>): void {
  assert.equal(typeof event.ts, 'string');
  assert.ok(!Number.isNaN(Date.parse(event.ts as string)) && (event.ts as string).endsWith('Z'), `ISO ts: ${event.ts}`);
  assert.equal(typeof event.endpoint, 'string');
  const spec = FIELDS[event.event as string];
  assert.ok(spec, `known event: ${event.event}`);
  const keys = Object.keys(event).filter((k) => !['ts', 'endpoint', 'event'].includes(k));
  for (const k of spec.required) assert.ok(keys.includes(k), `${event.event} has ${k}`);
  for (const k of keys) assert.ok(spec.required.includes(k) || spec.optional.includes(k), `${event.event} has no extra field ${k}`);
}

test('watch --json: NDJSON events with exactly docs/design.md fields, heartbeats seen, exit 0 at --duration', async () => {
  const r = await run(['watch', '--url', `${base}/events`, '--kind', 'sse', '--duration', '2', '--json', '--verbose']);
  assert.equal(r.code, 0, r.stderr);
  const events = parseNdjson(r.stdout);
  events.forEach(assertDesignShape);
  const names = events.map((e) => e.event);
  assert.equal(names[0], 'connecting');
  assert.equal(names[1], 'open');
  assert.ok(names.includes('message'), '--verbose adds message events');
  const heartbeats = events.filter((e) => e.event === 'heartbeat');
  assert.ok(heartbeats.length >= 3, `heartbeats: ${heartbeats.length}`);
  assert.deepEqual(heartbeats[0], { ts: heartbeats[0]!.ts, endpoint: `127.0.0.1:${new URL(base).port}/events`, event: 'heartbeat', direction: 'in', kind: 'sse-comment' });
  assert.ok(!names.includes('drop'), 'a heartbeating stream does not drop');
});

test('watch against a path that cuts silent streams: drops, backoff, and exit 0', async () => {
  const r = await run(['watch', '--url', `${base}/events?cutAfterSilenceMs=300`, '--kind', 'sse', '--duration', '3', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const events = parseNdjson(r.stdout);
  events.forEach(assertDesignShape);
  const drops = events.filter((e) => e.event === 'drop');
  assert.ok(drops.length >= 1, 'at least one drop');
  assert.ok(['reset', 'eof'].includes(drops[0]!.cause as string), `cause ${drops[0]!.cause}`);
  assert.ok((drops[0]!.silenceMs as number) >= 250, `silence ${drops[0]!.silenceMs}`);
  assert.ok(['truncated', 'clean', 'reset'].includes(drops[0]!.end as string), `the close shape is reported: ${drops[0]!.end}`);
  assert.ok(events.some((e) => e.event === 'backoff'));
  assert.ok(!events.some((e) => e.event === 'message'), 'no message events without --verbose');
});

test('Ctrl-C closes the stream and exits 0', async () => {
  const before = closedStreams;
  let sent = false;
  const r = await run(['watch', '--url', `${base}/events`, '--kind', 'sse', '--json'], {
    onStdout: (text, child) => {
      if (!sent && text.includes('"event":"open"')) {
        sent = true;
        child.kill('SIGINT');
      }
    },
  });
  assert.ok(sent, 'the stream opened');
  assert.equal(r.code, 0, r.stderr);
  // Give the server a moment to see the socket close.
  for (let i = 0; i < 20 && closedStreams === before; i++) await new Promise((res) => setTimeout(res, 50));
  assert.ok(closedStreams > before, 'server saw the stream close');
});

test('a planted secret never appears in any output; non-retryable failure exits 1', async () => {
  const config = join(dir, 'private.json');
  writeFileSync(config, JSON.stringify({ endpoints: [{ name: 'private', kind: 'sse', url: `${base}/private`, headers: { Authorization: 'Bearer ${secret:api-token}' } }] }));
  for (const mode of [['--json'], ['--verbose'], []]) {
    const r = await run(['watch', '--config', config, '--duration', '10', ...mode], { env: { STREAM_HEALTH_SECRET_API_TOKEN: SECRET } });
    assert.equal(r.code, 1, `exit 1 when every endpoint failed (${mode.join(' ')})`);
    const all = r.stdout + r.stderr;
    assert.ok(all.includes('403'), `the 403 is reported: ${all}`);
    assert.ok(all.includes('***'), 'the echoed credential is redacted');
    assert.ok(!all.includes(SECRET), `secret leaked in ${mode.join(' ') || 'plain'} mode`);
    if (mode[0] === '--json') {
      const error = parseNdjson(r.stdout).find((e) => e.event === 'error');
      assert.deepEqual(error?.hops, [{ name: 'Cloudflare', evidence: 'cf-ray' }, { name: 'nginx', evidence: 'Server: nginx' }], r.stdout);
    }
  }
});

test('an unknown field in a config file is a warning on stderr; the endpoint still runs', async () => {
  const config = join(dir, 'typo.json');
  writeFileSync(config, JSON.stringify({ endpoints: [{ name: 'typo', kind: 'sse', url: `${base}/events`, heartbeatSecond: 5 }] }));
  const r = await run(['watch', '--config', config, '--duration', '1', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: .*typo\.json: endpoints\[0\]\.heartbeatSecond: unknown field, ignored; did you mean "heartbeatSeconds"\?/);
  assert.ok(parseNdjson(r.stdout).some((e) => e.endpoint === 'typo' && e.event === 'open'), r.stdout);
});

test('bad flags and bad config files exit 2 with the problem on stderr', async () => {
  const r1 = await run(['watch', '--frobnicate']);
  assert.equal(r1.code, 2);
  assert.match(r1.stderr, /Unknown option '--frobnicate'/);
  assert.match(r1.stderr, /Run "stream-health --help"/);
  assert.equal(r1.stdout, '');

  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ endpoints: [{ name: 'ok', kind: 'sse', url: `${base}/events` }, { name: 'x', kind: 'sse', url: 'nope' }, { name: 'y', kind: 'carrier-pigeon', url: `${base}/e` }] }));
  const r2 = await run(['watch', '--config', bad, '--duration', '1']);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /endpoints\[1\]\.url: not a URL/);
  assert.match(r2.stderr, /endpoints\[2\]\.kind: must be one of/);

  const r3 = await run(['probe-idle', '--url', `${base}/events`]);
  assert.equal(r3.code, 2);
});

test('probe-idle measures the silence a path tolerates, and reports survival at --max', async () => {
  const cut = await run(['probe-idle', '--url', `${base}/events?cutAfterSilenceMs=1000`, '--kind', 'sse', '--max', '20', '--json']);
  assert.equal(cut.code, 0, cut.stderr);
  const result = JSON.parse(cut.stdout) as Record<string, number & boolean & string>;
  assert.equal(result.event, 'probe-idle');
  assert.equal(result.survived, false);
  assert.ok(result.silenceMs >= 900 && result.silenceMs <= 5000, `silence ${result.silenceMs}`);
  assert.equal(result.recommendedHeartbeatMs, 300);

  const alive = await run(['probe-idle', '--url', `${base}/events`, '--kind', 'sse', '--max', '1.5']);
  assert.equal(alive.code, 0, alive.stderr);
  assert.match(alive.stdout, /survived: the stream was still open after 1\.5 s/);
  const cadence = /server heartbeats: \d+ \(sse-comment, every ~(\d+) ms\)/.exec(alive.stdout);
  assert.ok(cadence, alive.stdout);
  assert.ok(Number(cadence[1]) >= 150 && Number(cadence[1]) <= 1000, `cadence ${cadence[1]} ms for comments sent every 200 ms`);

  const refused = await run(['probe-idle', '--url', 'http://127.0.0.1:1/events', '--kind', 'sse', '--max', '5']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /could not open the stream/);
});

test('at --duration an MCP session gets its DELETE before the CLI exits', async () => {
  const mcp = await startMcpV1Server({ transport: 'streamable' });
  try {
    let sessionsWhileOpen = -1;
    const r = await run(['watch', '--url', mcp.url, '--kind', 'mcp', '--duration', '2', '--json'], {
      onStdout: (text) => {
        if (sessionsWhileOpen === -1 && text.includes('"event":"open"')) sessionsWhileOpen = mcp.stats.sessions;
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sessionsWhileOpen, 1, 'one MCP session while watching');
    // The SDK forgets a session only on DELETE (closing the GET stream alone keeps it).
    for (let i = 0; i < 20 && mcp.stats.sessions > 0; i++) await new Promise((res) => setTimeout(res, 50));
    assert.equal(mcp.stats.sessions, 0, 'session deleted on exit');
  } finally {
    await mcp.close();
  }
});
