// The proofs for MCP in all three eras, each against a real SDK server: v2 SDK (2026-07-28,
// subscriptions/listen), v1 SDK Streamable HTTP (2025, GET stream + ping) and v1 SDK HTTP+SSE (2024-11-05),
// behind real nginx and HAProxy, driven by the real Monitor.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startLabServer } from '../../src/lab/servers/index.ts';
import { startMcpV1Server } from '../../src/lab/servers/mcpV1.ts';
import { createTransport } from '../../src/transports/index.ts';
import { startFakeMcpSse, startHeaderRecorder } from './support/badHttpServer.ts';
import { registerHttpProofs } from './support/httpProofs.ts';
import { endpoint, recordAttempt, runMonitor, sleep } from './support/monitorHarness.ts';

registerHttpProofs({
  label: 'mcp, SDK v2 server (2026-07-28)',
  kind: 'mcp',
  labKind: 'mcp-v2',
  silent: { keepAliveMs: 0 },
  heartbeat: (ms) => ({ keepAliveMs: ms }),
  openDetail: /^MCP 2026-07-28, HTTP\/1\.1, subscriptions\/listen stream$/,
  probes: true,
  probeAnswersOnStream: false,
});

registerHttpProofs({
  label: 'mcp, SDK v1 Streamable HTTP server (2025)',
  kind: 'mcp',
  labKind: 'mcp-v1',
  silent: {},
  heartbeat: (ms) => ({ heartbeatMs: ms }),
  openDetail: /^MCP 2025-\d\d-\d\d, HTTP\/1\.1, GET stream/,
  probes: true,
  probeAnswersOnStream: false,
});

registerHttpProofs({
  label: 'mcp-sse, SDK v1 HTTP+SSE server (2024-11-05)',
  kind: 'mcp-sse',
  labKind: 'mcp-v1-sse',
  silent: {},
  heartbeat: (ms) => ({ heartbeatMs: ms }),
  openDetail: /^MCP 2024-11-05 HTTP\+SSE, HTTP\/1\.1, endpoint \/messages$/,
  probes: true,
  probeAnswersOnStream: true,
});

describe('mcp: era detection, resume state, sessions and headers', () => {
  const cfg = (url: string, kind: 'mcp' | 'mcp-sse' = 'mcp', headers: Record<string, string> = {}) =>
    endpoint({ name: 'era', kind, url, headers, heartbeatSeconds: 0, idleTimeoutSeconds: 0 });

  test('the newest era the server speaks is detected, remembered in the resume state, and probes measure rtt', async (t) => {
    const cases = [
      { labKind: 'mcp-v2', kind: 'mcp', era: '2026-07-28', detail: /^MCP 2026-07-28, /, probe: 'mcp-discover' },
      { labKind: 'mcp-v1', kind: 'mcp', era: '2025', detail: /^MCP 2025-11-25, HTTP\/1\.1, GET stream$/, probe: 'mcp-ping' },
      // kind "mcp" against a 2024-11-05 server: initialize POST gets 404, so the GET+endpoint fallback runs.
      { labKind: 'mcp-v1-sse', kind: 'mcp', era: '2024-11-05', detail: /^MCP 2024-11-05 HTTP\+SSE, /, probe: 'mcp-ping' },
    ] as const;
    for (const c of cases) {
      const server = await startLabServer(c.labKind, {});
      t.after(() => server.close());
      const attempt = recordAttempt(createTransport, cfg(server.url, c.kind));
      const open = await attempt.opened(10_000);
      assert.match(open.detail, c.detail);
      assert.equal(attempt.resume.mcpEra, c.era);
      const probe = await attempt.transport.probe!();
      assert.equal(probe.kind, c.probe);
      assert.ok(probe.rttMs >= 0 && probe.rttMs < 5000);
      attempt.transport.close('manual', 'done');
      await attempt.ended();
    }
  });

  test('a 2025 server without a GET stream (405) opens with liveness by ping, and answered pings are the activity', async (t) => {
    // The v2 SDK serves 2025-era clients statelessly and answers GET with 405.
    const server = await startLabServer('mcp-v2', { keepAliveMs: 0 });
    t.after(() => server.close());
    const attempt = recordAttempt(createTransport, cfg(server.url), { mcpEra: '2025' });
    const open = await attempt.opened(10_000);
    assert.match(open.detail, /no GET stream \(server answered 405\): liveness by ping only/);
    const probe = await attempt.transport.probe!();
    assert.equal(probe.kind, 'mcp-ping');
    assert.deepEqual(attempt.record.activity.map((a) => a.heartbeat), ['mcp-ping']);
    attempt.transport.close('manual', 'done');
    await attempt.ended();
  });

  test('2025 sessions: a watchdog reconnect resumes the same session; a manual close DELETEs it', async (t) => {
    const server = await startMcpV1Server({ transport: 'streamable' });
    t.after(() => server.close());
    const recorder = await startHeaderRecorder(server.port, 'mcp-session-id');
    t.after(() => recorder.close());
    const url = new URL(server.url);
    url.port = String(recorder.port);
    const resume = {};
    const first = recordAttempt(createTransport, cfg(url.href), resume);
    await first.opened(10_000);
    first.transport.close('watchdog', 'test: pretend silence');
    await first.ended();
    const second = recordAttempt(createTransport, cfg(url.href), resume);
    await second.opened(10_000);
    const initializes = recorder.seen.filter((r) => r.method === 'POST' && r.value === undefined);
    assert.equal(initializes.length, 2, 'one server/discover probe and one initialize, both before the session existed');
    const gets = recorder.seen.filter((r) => r.method === 'GET');
    assert.equal(gets.length, 2);
    assert.ok(gets[1]!.value && gets[1]!.value === gets[0]!.value, 'the reconnect reused the session');
    second.transport.close('manual', 'user closed');
    await second.ended();
    await waitFor(() => server.stats.sessions === 0, 5_000, 'the session to be deleted');
    assert.ok(recorder.seen.some((r) => r.method === 'DELETE' && r.value === gets[0]!.value));
  });

  test('2025 Last-Event-ID resume against the SDK event store: what the server sent while the stream was away is replayed', async (t) => {
    const server = await startMcpV1Server({ transport: 'streamable', resumable: true });
    t.after(() => server.close());
    const messages = (a: { record: { activity: readonly { heartbeat?: string }[] } }) => a.record.activity.filter((x) => !x.heartbeat).length;
    const resume = {};
    const first = recordAttempt(createTransport, cfg(server.url), resume);
    await first.opened(10_000);
    await server.notifyAll('one');
    await server.notifyAll('two');
    await first.until((r) => messages({ record: r }) >= 2, 5_000, 'two notifications on the GET stream');
    // The server ends the GET stream cleanly (SSE polling); the client reconnects in the same session.
    server.closeGetStreams();
    assert.equal((await first.ended()).cause, 'eof');
    const lastSeen = (resume as { lastEventId?: string }).lastEventId;
    assert.ok(lastSeen, 'the client kept the id of the last event it saw');
    for (const text of ['missed 1', 'missed 2', 'missed 3']) await server.notifyAll(text);
    const second = recordAttempt(createTransport, cfg(server.url), resume);
    t.after(async () => {
      second.transport.close('manual', 'done');
      await second.ended();
    });
    const open = await second.opened(10_000);
    assert.match(open.detail, /resumed after event /);
    await second.until((r) => messages({ record: r }) >= 3, 5_000, 'the three missed notifications replayed');
    assert.deepEqual(server.stats.resumedFrom, [lastSeen], 'the GET carried Last-Event-ID = the last event seen');
    assert.equal(server.stats.replayed, 3, 'exactly the events sent while away were replayed');
    assert.equal(messages(second), 3);
  });

  test('configured headers ride on every request of every era', async (t) => {
    for (const [labKind, kind] of [['mcp-v2', 'mcp'], ['mcp-v1', 'mcp'], ['mcp-v1-sse', 'mcp-sse']] as const) {
      const server = await startLabServer(labKind, {});
      t.after(() => server.close());
      const recorder = await startHeaderRecorder(server.port, 'authorization');
      t.after(() => recorder.close());
      const url = new URL(server.url);
      url.port = String(recorder.port);
      const attempt = recordAttempt(createTransport, cfg(url.href, kind, { Authorization: 'Bearer test-token' }));
      await attempt.opened(10_000);
      await attempt.transport.probe!();
      attempt.transport.close('manual', 'done');
      await attempt.ended();
      assert.ok(recorder.seen.length >= 3, `${labKind}: ${recorder.seen.length} requests`);
      assert.deepEqual(recorder.seen.filter((r) => r.value !== 'Bearer test-token'), [], `${labKind}: every request carried the header`);
    }
  });
});

test('a server ping request on the stream is answered and reported as an inbound mcp-ping heartbeat', async (t) => {
  const server = await startFakeMcpSse((write) => write(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: 'srv-1', method: 'ping' })}\n\n`));
  t.after(() => server.close());
  const run = runMonitor([endpoint({ name: 'pinged', kind: 'mcp-sse', url: server.url, heartbeatSeconds: 0, idleTimeoutSeconds: 0 })]);
  t.after(() => run.stop());
  await run.log.waitFor((e) => e.event === 'heartbeat' && e.direction === 'in' && e.kind === 'mcp-ping', 5_000);
  await waitFor(() => server.received.some((m) => m.id === 'srv-1'), 5_000, 'the answer to the server ping');
  assert.deepEqual(server.received.find((m) => m.id === 'srv-1'), { jsonrpc: '2.0', id: 'srv-1', result: {} });
});

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
