// The bad-input proof for the HTTP kinds: every bad input against a real misbehaving server (a real nginx
// 502 page, a Cloudflare-style 524, wrong content types, 401/403, 429/503 Retry-After, an endless line,
// invalid UTF-8 and JSON, refused and unresolvable hosts, expired/self-signed/private-CA TLS).

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import type { DiagnosisEvent, DropEvent, ErrorEvent } from '../../src/core/events.ts';
import { freePort } from '../../src/lab/net.ts';
import { nginxAvailable, startNginx } from '../../src/lab/proxies/index.ts';
import { sseHead, startBadServer, startFakeMcpSse } from './support/badHttpServer.ts';
import type { BadServer, BadServerOptions, Handler } from './support/badHttpServer.ts';
import { endpoint, runMonitor, sleep } from './support/monitorHarness.ts';
import type { MonitorRun } from './support/monitorHarness.ts';
import { makeTestCerts } from './support/tlsCerts.ts';
import type { TestCerts } from './support/tlsCerts.ts';

const FAST_RECONNECT = { initialDelaySeconds: 0.1, maxDelaySeconds: 1, multiplier: 2, jitter: 0 };

function watch(t: TestContext, raw: Record<string, unknown>, emitMessages = false): MonitorRun {
  const run = runMonitor([endpoint({ name: 'bad', kind: 'sse', heartbeatSeconds: 0, idleTimeoutSeconds: 0, reconnect: FAST_RECONNECT, ...raw })], undefined, emitMessages);
  t.after(() => run.stop());
  return run;
}

async function serve(t: TestContext, handler: Handler, options?: BadServerOptions): Promise<BadServer> {
  const server = await startBadServer(handler, options);
  t.after(() => server.close());
  return server;
}

const firstError = (run: MonitorRun, timeoutMs = 10_000) => run.log.waitFor((e): e is ErrorEvent => e.event === 'error', timeoutMs) as Promise<ErrorEvent>;
const state = (run: MonitorRun) => run.monitor.status()[0]!.state;

describe('HTTP bad inputs against real misbehaving servers', () => {
  test('a real nginx 502 page (upstream down) is an error with its status and a short tag-free excerpt, and a gateway-timeout finding', { skip: !nginxAvailable() && 'nginx is not installed' }, async (t) => {
    const deadPort = await freePort();
    const proxy = await startNginx({ upstreamPort: deadPort, mode: 'http', idleTimeoutSeconds: 2 });
    t.after(() => proxy.stop());
    const run = watch(t, { url: `http://127.0.0.1:${proxy.port}/events` });
    const error = await firstError(run);
    assert.equal(error.cause, 'http-status');
    assert.equal(error.httpStatus, 502);
    assert.match(error.message, /502 Bad Gateway/);
    assert.doesNotMatch(error.message, /[<>]/, 'tags stripped');
    const diagnosis = (await run.log.waitFor((e) => e.event === 'diagnosis' && e.finding === 'gateway-timeout', 5_000)) as DiagnosisEvent;
    assert.match(diagnosis.message, /HTTP 502/);
    await run.log.waitForCount((e) => e.event === 'connecting', 2, 5_000); // a gateway error is retried
  });

  test('a Cloudflare-style 524 HTML page: status, excerpt capped at 200 characters with markup and scripts removed', async (t) => {
    const page = `<!DOCTYPE html><html><head><title>example.com | 524: A timeout occurred</title><style>body{color:red}</style><script>var secret="x";</script></head><body><h1>A timeout occurred</h1><p>Error code 524</p>${'<p>Cloudflare Ray ID: 8a1b2c3d &amp; more filler text</p>'.repeat(40)}</body></html>`;
    const server = await serve(t, (_req, res) => res.writeHead(524, { 'content-type': 'text/html; charset=UTF-8' }).end(page));
    const run = watch(t, { url: server.url });
    const error = await firstError(run);
    assert.equal(error.httpStatus, 524);
    assert.match(error.message, /524: A timeout occurred/);
    assert.doesNotMatch(error.message, /<|color:red|var secret/);
    const excerpt = error.message.slice(error.message.indexOf(': ') + 2);
    assert.ok(excerpt.length <= 200 + 60, `excerpt is short (${excerpt.length} chars)`);
    const diagnosis = (await run.log.waitFor((e) => e.event === 'diagnosis' && e.finding === 'gateway-timeout', 5_000)) as DiagnosisEvent;
    assert.match(diagnosis.message, /524/);
  });

  test('200 with the wrong content type is an error naming what came instead of text/event-stream', async (t) => {
    const server = await serve(t, (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
    const run = watch(t, { url: server.url });
    const error = await firstError(run);
    assert.equal(error.cause, 'http-status');
    assert.equal(error.httpStatus, 200);
    assert.match(error.message, /application\/json instead of text\/event-stream/);
  });

  for (const status of [401, 403]) {
    for (const kind of ['sse', 'mcp'] as const) {
      test(`${status} on ${kind} ends in failed after one request: no retry storm`, async (t) => {
        const server = await serve(t, (_req, res) => res.writeHead(status, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('nope'));
        const run = watch(t, { kind, url: server.url, headers: { Authorization: 'Bearer not-a-real-token' } });
        const error = await firstError(run);
        assert.equal(error.httpStatus, status);
        assert.doesNotMatch(error.message, /not-a-real-token/, 'the credential never appears');
        await sleep(1500);
        assert.equal(state(run), 'failed');
        assert.equal(run.log.of('connecting').length, 1);
        // A 401 Bearer challenge is a sign-in one: its protected-resource metadata is read (well-known
        // paths), which is discovery, not a retry; the stream itself is asked once.
        const streamRequests = server.requests.filter((r) => !r.startsWith('GET /.well-known/'));
        assert.equal(streamRequests.length, 1, `one request, saw ${server.requests.join(', ')}`);
      });
    }
  }

  test('429 with Retry-After in seconds delays the next attempt at least that long', async (t) => {
    const server = await serve(t, (_req, res) => res.writeHead(429, { 'retry-after': '2', 'content-type': 'text/plain' }).end('slow down'));
    const run = watch(t, { url: server.url });
    const error = await firstError(run);
    assert.equal(error.httpStatus, 429);
    const backoff = await run.log.waitFor((e) => e.event === 'backoff', 5_000);
    assert.ok(backoff.event === 'backoff' && backoff.delayMs >= 2000, `delay ${JSON.stringify(backoff)}`);
    const started = performance.now();
    await run.log.waitForCount((e) => e.event === 'connecting', 2, 6_000);
    assert.ok(performance.now() - started >= 1800, 'the next attempt waited for Retry-After');
  });

  test('503 with Retry-After as an HTTP date is honoured', async (t) => {
    const server = await serve(t, (_req, res) => res.writeHead(503, { 'retry-after': new Date(Date.now() + 3000).toUTCString(), 'content-type': 'text/plain' }).end('maintenance'));
    const run = watch(t, { url: server.url });
    assert.equal((await firstError(run)).httpStatus, 503);
    const backoff = await run.log.waitFor((e) => e.event === 'backoff', 5_000);
    // The date has one-second resolution: at least ~2 s of the 3 remain.
    assert.ok(backoff.event === 'backoff' && backoff.delayMs >= 1500, `delay ${JSON.stringify(backoff)}`);
  });

  test('an endless line ends the stream with protocol-error at maxMessageBytes instead of growing memory', async (t) => {
    let written = 0;
    const server = await serve(t, (_req, res) => {
      sseHead(res);
      res.write('data: ');
      let n = 0;
      // Bounded: at most 4000 x 512 bytes, or until the client goes away.
      const timer = setInterval(() => {
        if (n++ >= 4000 || res.destroyed) return clearInterval(timer);
        res.write('x'.repeat(512));
        written += 512;
      }, 2);
      res.once('close', () => clearInterval(timer));
    });
    const run = watch(t, { url: server.url, maxMessageBytes: 4096 });
    const drop = (await run.log.waitFor((e) => e.event === 'drop', 10_000)) as DropEvent;
    assert.equal(drop.cause, 'protocol-error');
    assert.match(drop.detail, /maxMessageBytes \(4096 bytes\)/);
    await sleep(200);
    assert.ok(written < 4000 * 512, `the client hung up long before the server finished (${written} bytes written)`);
  });

  test('invalid UTF-8 is counted as a warning and the stream goes on', async (t) => {
    const server = await serve(t, (_req, res) => {
      sseHead(res);
      res.write('data: fine\n\n');
      res.write(Buffer.concat([Buffer.from('data: bad '), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from(' bytes\n\n')]));
      let n = 0;
      const timer = setInterval(() => (n++ < 50 ? res.write(`data: after ${n}\n\n`) : clearInterval(timer)), 50);
      res.once('close', () => clearInterval(timer));
    });
    const run = watch(t, { url: server.url }, true);
    await run.log.waitForCount((e) => e.event === 'message', 6, 5_000);
    assert.deepEqual(run.log.of('drop'), []);
    assert.ok(run.monitor.history().endpoints.bad!.warnings >= 1, 'the invalid bytes were counted');
    assert.equal(state(run), 'open');
  });

  test('invalid JSON on an MCP stream is counted and the stream goes on (HTTP+SSE server)', async (t) => {
    const server = await startFakeMcpSse((write) => {
      write('event: message\ndata: {"jsonrpc": "2.0", "method": broken\n\n');
      write(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'still here' } })}\n\n`);
    });
    t.after(() => server.close());
    const run = watch(t, { kind: 'mcp-sse', url: server.url }, true);
    await run.log.waitFor((e) => e.event === 'open', 5_000);
    await run.log.waitForCount((e) => e.event === 'message', 2, 5_000);
    assert.ok(run.monitor.history().endpoints.bad!.warnings >= 1, 'the invalid JSON was counted');
    assert.deepEqual(run.log.of('drop'), []);
  });

  test('a refused port is a connect-failed error, retried with growing backoff', async (t) => {
    const port = await freePort();
    const run = watch(t, { url: `http://127.0.0.1:${port}/events` });
    const errors = (await run.log.waitForCount((e) => e.event === 'error', 3, 10_000)) as ErrorEvent[];
    assert.ok(errors.every((e) => e.cause === 'connect-failed' && /refused/.test(e.message)), JSON.stringify(errors));
    const delays = run.log.of('backoff').map((b) => b.delayMs);
    assert.ok(delays[1]! > delays[0]!, `backoff grows: ${delays.join(' -> ')}`);
  });

  test('an unresolvable host is a dns error, retried', async (t) => {
    const run = watch(t, { kind: 'mcp', url: 'http://nonexistent.invalid/mcp' });
    const errors = (await run.log.waitForCount((e) => e.event === 'error', 2, 15_000)) as ErrorEvent[];
    assert.ok(errors.every((e) => e.cause === 'dns' && /nonexistent\.invalid/.test(e.message)), JSON.stringify(errors));
  });

  describe('TLS', () => {
    let certs: TestCerts;
    before(() => {
      certs = makeTestCerts();
    });
    after(() => certs.remove());
    const stream: Handler = (_req, res) => {
      sseHead(res);
      res.write(': hello\n\n');
    };

    // Each with its own fix: an expired certificate is renewed on the server (a CA file cannot help);
    // an untrusted one is trusted with tls.caFile.
    for (const [label, which, code, fix] of [
      ['an expired certificate', 'expired', 'CERT_HAS_EXPIRED', /renew it on the server/],
      ['a self-signed certificate', 'selfSigned', 'DEPTH_ZERO_SELF_SIGNED_CERT', /tls\.caFile/],
    ] as const) {
      test(`${label} is a tls error that names its fix`, async (t) => {
        const server = await serve(t, stream, { tls: certs[which] });
        const run = watch(t, { url: server.url, ...(which === 'expired' ? { tls: { caFile: certs.caFile } } : {}) });
        const error = await firstError(run);
        assert.equal(error.cause, 'tls');
        assert.match(error.message, new RegExp(code));
        assert.match(error.message, fix);
      });
    }

    test('a private CA is trusted through tls.caFile, and HTTP/2 is used where offered', async (t) => {
      const server = await serve(t, stream, { tls: certs.valid, h2: true });
      const untrusted = watch(t, { name: 'untrusted', url: server.url });
      assert.equal((await firstError(untrusted)).cause, 'tls');
      const run = watch(t, { url: server.url, tls: { caFile: certs.caFile } });
      const open = await run.log.waitFor((e) => e.event === 'open', 5_000);
      assert.ok(open.event === 'open' && /HTTP\/2/.test(open.detail), JSON.stringify(open));
      await run.log.waitFor((e) => e.event === 'heartbeat' && e.kind === 'sse-comment', 5_000);
    });

    test('rejectUnauthorized: false accepts a self-signed certificate', async (t) => {
      const server = await serve(t, stream, { tls: certs.selfSigned });
      const run = watch(t, { url: server.url, tls: { rejectUnauthorized: false } });
      await run.log.waitFor((e) => e.event === 'open', 5_000);
    });

    test('an unreadable tls.caFile is a config error and the session fails', async (t) => {
      const missing = join(certs.dir, 'missing.pem');
      const run = watch(t, { url: 'https://127.0.0.1:1/events', tls: { caFile: missing } });
      const error = await firstError(run);
      assert.equal(error.cause, 'config');
      assert.match(error.message, /tls\.caFile/);
      await sleep(300);
      assert.equal(state(run), 'failed');
    });
  });
});
