// The proofs for the `sse` kind: a plain text/event-stream lab server behind real nginx and
// HAProxy, driven by the real Monitor (proofs in support/httpProofs.ts; bad inputs in http-bad-input).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sseHead, startBadServer } from './support/badHttpServer.ts';
import { endpoint, runMonitor } from './support/monitorHarness.ts';
import { registerHttpProofs } from './support/httpProofs.ts';

registerHttpProofs({
  label: 'sse',
  kind: 'sse',
  labKind: 'sse',
  silent: {},
  heartbeat: (ms) => ({ heartbeatMs: ms }),
  openDetail: /^SSE, HTTP\/1\.1/,
  probes: false,
  probeAnswersOnStream: false,
});


test('sse: the last id: is sent back as Last-Event-ID and retry: sets the next delay', async (t) => {
  const lastEventIds: Array<string | undefined> = [];
  const server = await startBadServer((req, res) => {
    lastEventIds.push(req.headers['last-event-id'] as string | undefined);
    sseHead(res);
    res.end(`retry: 1500\nid: ${40 + lastEventIds.length}\ndata: hello\n\n`);
  });
  t.after(() => server.close());
  const run = runMonitor([endpoint({ name: 'resume', kind: 'sse', url: server.url, heartbeatSeconds: 0, idleTimeoutSeconds: 0, reconnect: { initialDelaySeconds: 0.1, jitter: 0 } })]);
  t.after(() => run.stop());
  await run.log.waitForCount((e) => e.event === 'open', 3, 10_000);
  assert.deepEqual(lastEventIds.slice(0, 3), [undefined, '41', '42']);
  const drop = run.log.of('drop')[0]!;
  assert.equal(drop.cause, 'eof', 'a cleanly ended body is eof');
  const backoff = run.log.of('backoff')[0]!;
  assert.ok(backoff.delayMs >= 1500, `retry: 1500 honoured, delay ${backoff.delayMs}`);
});
