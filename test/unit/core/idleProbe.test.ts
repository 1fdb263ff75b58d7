// The idle probe: measures the silence a path tolerates, or reports that it survived.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdleProbeError, runIdleProbe } from '../../../src/core/idleProbe.ts';
import { endpoint } from '../../support/endpoint.ts';
import { FakeClock, flush } from '../../support/fakeClock.ts';
import { FakeTransportFactory } from '../../support/fakeTransport.ts';

test('reports the silence before the drop and a recommended heartbeat, with keepalive and watchdog off', async () => {
  const clock = new FakeClock();
  const fake = new FakeTransportFactory();
  const result = runIdleProbe({ config: endpoint({ heartbeatSeconds: 5, idleTimeoutSeconds: 15 }), transportFactory: fake.factory, clock, maxMs: 600_000 });
  await flush();
  const c = fake.last;
  assert.equal(c.context.config.heartbeatSeconds, 0);
  assert.equal(c.context.config.idleTimeoutSeconds, 0);
  c.open('HTTP/1.1');
  clock.advance(1_000);
  c.data();
  clock.advance(2_020);
  c.end({ cause: 'reset', detail: 'terminated' });
  const r = await result;
  assert.equal(r.survived, false);
  assert.equal(r.silenceMs, 2_020);
  assert.equal(r.streamAgeMs, 3_020);
  assert.equal(r.cause, 'reset');
  assert.equal(r.recommendedHeartbeatMs, 600);
  assert.equal(r.serverHeartbeats.count, 0);
  assert.equal(clock.pendingTimers, 0);
});

test('reports survival at maxMs with the server heartbeat cadence, and closes the stream', async () => {
  const clock = new FakeClock();
  const fake = new FakeTransportFactory();
  const result = runIdleProbe({ config: endpoint(), transportFactory: fake.factory, clock, maxMs: 60_000 });
  await flush();
  const c = fake.last.open();
  for (let i = 0; i < 5; i++) {
    clock.advance(10_000);
    c.heartbeat('sse-comment');
  }
  clock.advance(10_000);
  const r = await result;
  assert.equal(r.survived, true);
  assert.equal(r.cause, undefined);
  assert.deepEqual(r.serverHeartbeats, { count: 5, medianIntervalMs: 10_000, kind: 'sse-comment' });
  assert.equal(r.recommendedHeartbeatMs, undefined);
  assert.equal(c.closed?.cause, 'manual');
});

test('a stream that never opens is an IdleProbeError with the status', async () => {
  const fake = new FakeTransportFactory();
  fake.onConnect = (c) => queueMicrotask(() => c.end({ error: 'http-status', httpStatus: 404, detail: 'HTTP 404 Not Found', retryable: false }));
  await assert.rejects(
    runIdleProbe({ config: endpoint(), transportFactory: fake.factory, clock: new FakeClock(), maxMs: 10_000 }),
    (e: unknown) => e instanceof IdleProbeError && e.httpStatus === 404 && /could not open the stream: HTTP 404/.test(e.message),
  );
});

test('cancelling through the signal reports what was seen so far', async () => {
  const clock = new FakeClock();
  const fake = new FakeTransportFactory();
  const controller = new AbortController();
  const result = runIdleProbe({ config: endpoint(), transportFactory: fake.factory, clock, maxMs: 60_000, signal: controller.signal });
  await flush();
  fake.last.open();
  clock.advance(4_000);
  controller.abort();
  const r = await result;
  assert.equal(r.survived, true);
  assert.equal(r.aborted, true);
  assert.equal(r.streamAgeMs, 4_000);
});

test('a missing secret fails before connecting', async () => {
  const fake = new FakeTransportFactory();
  await assert.rejects(
    runIdleProbe({ config: endpoint({ headers: { A: '${secret:k}' } }), transportFactory: fake.factory, clock: new FakeClock(), maxMs: 1000, resolveSecret: () => undefined }),
    /secret "k" is not set/,
  );
  assert.equal(fake.connections.length, 0);
});
