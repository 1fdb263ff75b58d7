// Session behaviour through the Monitor with fake time and a scripted transport: the state machine,
// watchdog drops, backoff and its reset rule, failures, secrets, pause/resume and manual reconnect.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IllegalTransitionError } from '../../../src/core/errors.ts';
import { Session } from '../../../src/core/session.ts';
import { HistoryBook } from '../../../src/core/history.ts';
import { endpoint } from '../../support/endpoint.ts';
import { FakeClock, flush } from '../../support/fakeClock.ts';
import { FakeTransportFactory } from '../../support/fakeTransport.ts';
import { harness } from '../../support/harness.ts';

const NO_JITTER = { initialDelaySeconds: 1, maxDelaySeconds: 30, multiplier: 2, jitter: 0, maxAttempts: 0 };

test('connects, opens, and reports heartbeats and messages as events', async () => {
  const h = harness({ emitMessages: true });
  await h.start(endpoint({ heartbeatSeconds: 0, idleTimeoutSeconds: 30 }));
  assert.deepEqual(h.of('connecting').map((e) => e.attempt), [1]);
  h.fake.last.open('HTTP/1.1 GET stream').heartbeat('sse-comment').data(42);
  assert.deepEqual(h.of('open').map((e) => e.detail), ['HTTP/1.1 GET stream']);
  assert.deepEqual(h.of('heartbeat').map((e) => [e.direction, e.kind]), [['in', 'sse-comment']]);
  assert.deepEqual(h.of('message').map((e) => e.bytes), [42]);
  assert.deepEqual(h.transitions, ['idle -> connecting', 'connecting -> open']);
  const e = h.events[0]!;
  assert.equal(e.endpoint, 'orders-mcp');
  assert.match(e.ts, /^2026-11-22T12:00:00\.000Z$/);
  assert.equal(h.monitor.status()[0]!.state, 'open');
  h.monitor.dispose();
});

test('a reply to our own probe keeps the stream alive but is not counted as a server heartbeat', async () => {
  const h = harness();
  await h.start(endpoint({ heartbeatSeconds: 0, idleTimeoutSeconds: 10 }));
  h.fake.last.open();
  await h.tick(9_000);
  h.fake.last.probeReply('ws-pong');
  await h.tick(9_000);
  assert.equal(h.of('drop').length, 0, 'the pong counted as stream activity for the watchdog');
  assert.deepEqual(h.of('heartbeat').map((e) => [e.direction, e.kind]), [['in', 'ws-pong']]);
  const history = h.monitor.history().endpoints['orders-mcp']!;
  assert.equal(history.heartbeats.in.count, 0, 'no server heartbeat recorded');
  assert.equal(h.monitor.status()[0]!.lastHeartbeatInAt, undefined);
  h.fake.last.heartbeat('ws-ping');
  assert.equal(h.monitor.history().endpoints['orders-mcp']!.heartbeats.in.count, 1);
  h.monitor.dispose();
});

test('message events are off unless asked for', async () => {
  const h = harness();
  await h.start(endpoint());
  h.fake.last.open().data(5).data(6);
  assert.equal(h.of('message').length, 0);
  h.monitor.dispose();
});

test('goes stale at half the window, back to open on activity, drops as watchdog at the window', async () => {
  const h = harness();
  await h.start(endpoint({ heartbeatSeconds: 0, idleTimeoutSeconds: 10, reconnect: NO_JITTER }));
  h.fake.last.open();
  await h.tick(5_000);
  assert.deepEqual(h.of('stale').map((e) => e.silenceMs), [5000]);
  h.fake.last.data();
  assert.equal(h.monitor.status()[0]!.state, 'open');
  await h.tick(9_999);
  assert.equal(h.of('drop').length, 0, 'no drop before the window');
  await h.tick(1);
  const [drop] = h.of('drop');
  assert.equal(drop?.cause, 'watchdog');
  assert.equal(drop?.silenceMs, 10_000);
  assert.equal(drop?.streamAgeMs, 15_000);
  assert.match(drop!.detail, /no inbound data for 10 s/);
  assert.deepEqual(h.fake.connections[0]!.closed, { cause: 'watchdog', detail: drop!.detail });
  assert.deepEqual(h.of('backoff').map((e) => [e.attempt, e.delayMs]), [[2, 1000]]);
  assert.ok(h.transitions.includes('stale -> dropped'));
  await h.tick(1_000);
  assert.equal(h.fake.connections.length, 2, 'reconnected after the backoff delay');
  assert.deepEqual(h.of('connecting').map((e) => e.attempt), [1, 2]);
  h.monitor.dispose();
});

test('a failed connect is an error event and backs off with growing delays', async () => {
  const h = harness();
  h.fake.onConnect = (c) => queueMicrotask(() => c.end({ cause: 'reset', error: 'connect-failed', detail: 'ECONNREFUSED 127.0.0.1:9' }));
  await h.start(endpoint({ reconnect: NO_JITTER }));
  await h.tick(1_000 + 2_000 + 4_000);
  const errors = h.of('error');
  assert.ok(errors.length >= 3);
  assert.deepEqual({ cause: errors[0]!.cause, message: errors[0]!.message }, { cause: 'connect-failed', message: 'ECONNREFUSED 127.0.0.1:9' });
  assert.deepEqual(h.of('backoff').slice(0, 3).map((e) => e.delayMs), [1000, 2000, 4000]);
  assert.ok(h.transitions.includes('connecting -> backoff'));
  assert.equal(h.of('drop').length, 0, 'nothing was open, so nothing dropped');
  h.monitor.dispose();
});

test('resets backoff after a session outlives the idle window', async () => {
  const h = harness();
  let fails = 3;
  h.fake.onConnect = (c) => queueMicrotask(() => (fails-- > 0 ? c.end({ error: 'connect-failed', detail: 'refused' }) : c.open()));
  await h.start(endpoint({ heartbeatSeconds: 0, idleTimeoutSeconds: 10, reconnect: NO_JITTER }));
  await h.tick(1_000 + 2_000 + 4_000);
  assert.equal(h.monitor.status()[0]!.state, 'open');
  assert.equal(h.monitor.status()[0]!.attempt, 3, 'a fresh stream has not proved the path yet');
  for (let i = 0; i < 3; i++) {
    await h.tick(3_000);
    h.fake.last.data();
  }
  await h.tick(999);
  assert.equal(h.monitor.status()[0]!.attempt, 3, 'not reset before the window has passed');
  await h.tick(1);
  assert.equal(h.monitor.status()[0]!.attempt, 0, 'reset while still open, once the stream outlived the window');
  await h.tick(2_000);
  h.fake.last.data();
  h.fake.last.end({ cause: 'eof', detail: 'server closed' });
  assert.deepEqual(h.of('backoff').map((e) => e.delayMs), [1000, 2000, 4000, 1000]);
  assert.equal(h.of('backoff').at(-1)!.attempt, 2);
  h.monitor.dispose();
});

test('a stream dropped just before the window does not reset the backoff, and leaves no reset timer behind', async () => {
  const h = harness();
  let fails = 2;
  h.fake.onConnect = (c) => queueMicrotask(() => (fails-- > 0 ? c.end({ error: 'connect-failed', detail: 'refused' }) : c.open()));
  await h.start(endpoint({ heartbeatSeconds: 0, idleTimeoutSeconds: 10, reconnect: NO_JITTER }));
  await h.tick(1_000 + 2_000);
  assert.equal(h.monitor.status()[0]!.state, 'open');
  for (let i = 0; i < 3; i++) {
    await h.tick(3_000);
    h.fake.last.data();
  }
  await h.tick(999);
  h.fake.last.end({ cause: 'eof', detail: 'server closed' });
  assert.deepEqual(h.of('backoff').map((e) => e.delayMs), [1000, 2000, 4000], 'the delay kept growing');
  assert.equal(h.monitor.status()[0]!.attempt, 3);
  // Only the backoff timer and the monitor's re-evaluation timer are pending: the reset timer went with the stream.
  assert.equal(h.clock.pendingTimers, 2);
  await h.tick(1);
  assert.equal(h.monitor.status()[0]!.attempt, 3, 'no late reset from the dropped stream');
  h.monitor.dispose();
});

test('does not reset backoff after an instant drop', async () => {
  const h = harness();
  h.fake.onConnect = (c) => queueMicrotask(() => {
    c.open();
    c.end({ cause: 'reset', detail: 'terminated' });
  });
  await h.start(endpoint({ heartbeatSeconds: 0, idleTimeoutSeconds: 10, reconnect: NO_JITTER }));
  await h.tick(1_000 + 2_000 + 4_000);
  assert.deepEqual(h.of('backoff').map((e) => e.delayMs), [1000, 2000, 4000, 8000]);
  assert.equal(h.of('drop').length, 4);
  h.monitor.dispose();
});

test('a server retry hint lengthens the next delay within bounds', async () => {
  const h = harness();
  h.fake.onConnect = (c) => queueMicrotask(() => c.end({ error: 'http-status', httpStatus: 503, detail: 'HTTP 503', retryAfterMs: 20_000 }));
  await h.start(endpoint({ reconnect: NO_JITTER }));
  assert.deepEqual(h.of('backoff').map((e) => e.delayMs), [20_000]);
  assert.equal(h.of('error')[0]!.httpStatus, 503);
  h.monitor.dispose();
});

test('non-retryable errors end in failed with no retry until reconnect()', async () => {
  const h = harness();
  h.fake.onConnect = (c) => queueMicrotask(() => c.end({ error: 'http-status', httpStatus: 401, detail: 'HTTP 401 Unauthorized', retryable: false }));
  await h.start(endpoint());
  await h.tick(10 * 60_000);
  assert.equal(h.fake.connections.length, 1);
  const status = h.monitor.status()[0]!;
  assert.equal(status.state, 'failed');
  assert.match(status.reason ?? '', /401/);
  assert.equal(h.of('backoff').length, 0);
  h.monitor.reconnect('orders-mcp');
  await flush();
  assert.equal(h.fake.connections.length, 2);
  assert.ok(h.transitions.includes('failed -> connecting'));
  h.monitor.dispose();
});

test('maxAttempts exhausted ends in failed', async () => {
  const h = harness();
  h.fake.onConnect = (c) => queueMicrotask(() => c.end({ error: 'dns', detail: 'ENOTFOUND nowhere.invalid' }));
  await h.start(endpoint({ reconnect: { ...NO_JITTER, maxAttempts: 3 } }));
  await h.tick(60_000);
  assert.equal(h.fake.connections.length, 3);
  assert.equal(h.monitor.status()[0]!.state, 'failed');
  assert.match(h.monitor.status()[0]!.reason ?? '', /gave up after 3 failed attempts/);
  h.monitor.dispose();
});

test('illegal transitions are refused', () => {
  const clock = new FakeClock();
  const book = new HistoryBook();
  const session = new Session({
    config: endpoint(), transportFactory: new FakeTransportFactory().factory, clock,
    history: () => book.get('orders-mcp'), emit: () => {}, onTransition: () => {},
  });
  const transition = (session as unknown as { transition(to: string): void }).transition.bind(session);
  assert.throws(() => transition('open'), (e: unknown) => e instanceof IllegalTransitionError && e.code === 'SH_ERR_ILLEGAL_TRANSITION' && /idle -> open/.test(e.message));
  assert.throws(() => transition('dropped'), IllegalTransitionError);
  assert.equal(session.state, 'idle');
  transition('connecting');
  assert.equal(session.state, 'connecting');
});

test('client heartbeats: answered probes are heartbeat out events with rtt', async () => {
  const h = harness({ withProbe: true });
  await h.start(endpoint({ heartbeatSeconds: 5, idleTimeoutSeconds: 15 }));
  const c = h.fake.last.open();
  await h.tick(5_000);
  assert.equal(c.probes.length, 1);
  c.answerProbe(23, 'mcp-ping');
  await flush();
  assert.deepEqual(h.of('heartbeat').map((e) => [e.direction, e.kind, e.rttMs]), [['out', 'mcp-ping', 23]]);
  assert.equal(h.monitor.status()[0]!.lastProbeRttMs, 23);
  h.monitor.dispose();
});

test('a probe unanswered within the idle window drops the stream as watchdog', async () => {
  const h = harness({ withProbe: true });
  await h.start(endpoint({ heartbeatSeconds: 5, idleTimeoutSeconds: 60 }));
  const c = h.fake.last.open();
  // Keep the stream itself busy so only the liveness probe can fail it.
  for (let t = 0; t < 66; t++) {
    await h.tick(1_000);
    c.data();
  }
  const [drop] = h.of('drop');
  assert.equal(drop?.cause, 'watchdog');
  assert.match(drop!.detail, /liveness probe failed: no answer within 60 s/);
  h.monitor.dispose();
});

test('a probe failing twice in a row drops the stream', async () => {
  const h = harness({ withProbe: true });
  await h.start(endpoint({ heartbeatSeconds: 5, idleTimeoutSeconds: 60 }));
  const c = h.fake.last.open();
  await h.tick(5_000);
  c.failProbe('socket hang up');
  await h.tick(5_000);
  assert.equal(h.of('drop').length, 0, 'one failure is tolerated');
  c.failProbe('socket hang up');
  await flush();
  const [drop] = h.of('drop');
  assert.equal(drop?.cause, 'watchdog');
  assert.match(drop!.detail, /liveness probe failed 2 times in a row \(socket hang up\)/);
  h.monitor.dispose();
});

test('a live peer on a silent stream still drops at the window, marked peerAlive', async () => {
  const h = harness({ withProbe: true });
  await h.start(endpoint({ heartbeatSeconds: 5, idleTimeoutSeconds: 15 }));
  const c = h.fake.last.open();
  for (let i = 0; i < 3; i++) {
    await h.tick(5_000);
    if (c.probes.length) c.answerProbe(8);
  }
  const [drop] = h.of('drop');
  assert.equal(drop?.cause, 'watchdog');
  assert.equal(drop?.silenceMs, 15_000);
  assert.match(drop!.detail, /stream silent 15 s while the peer answered liveness probes/);
  assert.equal(h.monitor.history().endpoints['orders-mcp']!.drops[0]!.peerAlive, true);
  assert.ok(h.events.some((e) => e.event === 'diagnosis' && e.finding === 'no-server-heartbeat'));
  h.monitor.dispose();
});

test('clock jump after sleep triggers a liveness check, not a drop', async () => {
  const h = harness({ withProbe: true });
  await h.start(endpoint({ heartbeatSeconds: 0, idleTimeoutSeconds: 10 }));
  const c = h.fake.last.open();
  await h.tick(2_000);
  h.clock.jumpWall(8 * 3600_000);
  await h.tick(3_000);
  assert.equal(c.probes.length, 1, 'probed at once after the jump');
  assert.equal(h.of('drop').length, 0);
  c.answerProbe(5);
  await flush();
  await h.tick(4_000);
  assert.equal(h.of('drop').length, 0, 'answered probe restarted the window');
  assert.equal(h.monitor.status()[0]!.state, 'open');
  h.monitor.dispose();
});

test('clock jump with a failing liveness probe drops the stream', async () => {
  const h = harness({ withProbe: true });
  await h.start(endpoint({ heartbeatSeconds: 0, idleTimeoutSeconds: 10 }));
  const c = h.fake.last.open();
  h.clock.jumpWall(3600_000);
  await h.tick(5_000);
  c.failProbe('no route to host');
  await flush();
  const [drop] = h.of('drop');
  assert.equal(drop?.cause, 'watchdog');
  assert.match(drop!.detail, /clock jump/);
  h.monitor.dispose();
});

test('clock jump without a probe gives the stream one fresh window', async () => {
  const h = harness();
  await h.start(endpoint({ heartbeatSeconds: 0, idleTimeoutSeconds: 10 }));
  h.fake.last.open();
  h.clock.jumpWall(3600_000);
  await h.tick(5_000);
  await h.tick(9_000);
  assert.equal(h.of('drop').length, 0);
  await h.tick(1_000);
  assert.equal(h.of('drop')[0]?.cause, 'watchdog');
  h.monitor.dispose();
});

test('secrets are resolved into headers at connect time and redacted from events', async () => {
  const h = harness({ resolveSecret: (name) => (name === 'orders' ? 'tok-SECRET-123' : undefined) });
  await h.start(endpoint({ headers: { Authorization: 'Bearer ${secret:orders}' } }));
  const c = h.fake.last;
  assert.equal(c.context.config.headers.Authorization, 'Bearer tok-SECRET-123');
  c.open('authorized with tok-SECRET-123');
  c.end({ cause: 'eof', detail: 'server said tok-SECRET-123 expired' });
  const text = JSON.stringify(h.events) + JSON.stringify(h.monitor.status()) + JSON.stringify(h.monitor.history());
  assert.ok(!text.includes('tok-SECRET-123'), 'secret value never leaves the transport');
  assert.match(h.of('drop')[0]!.detail, /server said \*\*\* expired/);
  h.monitor.dispose();
});

test('a missing secret is a config error naming the fix, and the session fails', async () => {
  const h = harness({ resolveSecret: () => undefined, secretHint: 'Set env STREAM_HEALTH_SECRET_ORDERS.' });
  await h.start(endpoint({ headers: { Authorization: 'Bearer ${secret:orders}' } }));
  assert.equal(h.fake.connections.length, 0, 'never connects without the secret');
  const [error] = h.of('error');
  assert.equal(error?.cause, 'config');
  assert.match(error!.message, /secret "orders" is not set\. Set env STREAM_HEALTH_SECRET_ORDERS\./);
  assert.equal(h.monitor.status()[0]!.state, 'failed');
  await h.tick(120_000);
  assert.equal(h.fake.connections.length, 0);
  h.monitor.dispose();
});

test('pause drops the stream as manual and stops retrying; resume connects at once', async () => {
  const h = harness();
  await h.start(endpoint({ reconnect: NO_JITTER }));
  const c = h.fake.last.open();
  h.monitor.pause();
  assert.equal(c.closed?.cause, 'manual');
  assert.equal(h.of('drop')[0]?.cause, 'manual');
  assert.equal(h.of('paused').length, 1);
  assert.equal(h.monitor.status()[0]!.state, 'paused');
  await h.tick(120_000);
  assert.equal(h.fake.connections.length, 1);
  h.monitor.resume();
  await flush();
  assert.equal(h.of('resumed').length, 1);
  assert.equal(h.fake.connections.length, 2);
  assert.deepEqual(h.transitions.slice(-2), ['open -> paused', 'paused -> connecting']);
  h.monitor.dispose();
});

test('manual reconnect closes the stream and connects at once with the backoff reset', async () => {
  const h = harness();
  let fails = 2;
  h.fake.onConnect = (c) => queueMicrotask(() => (fails-- > 0 ? c.end({ error: 'connect-failed', detail: 'refused' }) : c.open()));
  await h.start(endpoint({ reconnect: NO_JITTER }));
  await h.tick(3_000);
  const c = h.fake.last;
  assert.equal(h.monitor.status()[0]!.state, 'open');
  h.monitor.reconnect();
  await flush();
  assert.equal(c.closed?.cause, 'manual');
  assert.equal(h.fake.connections.length, 4);
  assert.equal(h.of('connecting').at(-1)!.attempt, 1);
  assert.equal(h.of('backoff').length, 2, 'no backoff before a manual reconnect');
  h.monitor.dispose();
});

test('late reports from a closed attempt are ignored', async () => {
  const h = harness();
  await h.start(endpoint({ heartbeatSeconds: 0, idleTimeoutSeconds: 10, reconnect: NO_JITTER }));
  const first = h.fake.last.open();
  await h.tick(10_000); // watchdog drop
  first.context.sink.activity({ bytes: 1 });
  first.context.sink.ended({ cause: 'reset', detail: 'late', retryable: true });
  assert.equal(h.of('drop').length, 1);
  assert.equal(h.monitor.status()[0]!.state, 'backoff');
  h.monitor.dispose();
});

test('a transport that opens inside its factory still gets client heartbeats', async () => {
  const h = harness({ withProbe: true });
  h.fake.onConnect = (c) => c.open('sync');
  await h.start(endpoint({ heartbeatSeconds: 5, idleTimeoutSeconds: 15 }));
  await h.tick(5_000);
  assert.equal(h.fake.last.probes.length, 1);
  h.monitor.dispose();
});

test('a silence over half the window without any server heartbeat yields no-server-heartbeat without a drop', async () => {
  const h = harness();
  await h.start(endpoint({ heartbeatSeconds: 0, idleTimeoutSeconds: 10 }));
  h.fake.last.open();
  await h.tick(6_000);
  h.fake.last.data();
  const diagnosis = h.of('diagnosis');
  assert.deepEqual(diagnosis.map((d) => d.finding), ['no-server-heartbeat']);
  assert.equal(h.of('drop').length, 0);
  h.monitor.dispose();
});

test('transport warnings are counted in history and passed on redacted', async () => {
  const warnings: string[] = [];
  const h = harness({ resolveSecret: () => 'sekret-value', onWarning: (endpoint, message) => warnings.push(`${endpoint}: ${message}`) });
  await h.start(endpoint({ headers: { A: '${secret:x}' } }));
  h.fake.last.open();
  h.fake.last.context.sink.warning('invalid JSON near sekret-value');
  assert.deepEqual(warnings, ['orders-mcp: invalid JSON near ***']);
  assert.equal(h.monitor.history().endpoints['orders-mcp']!.warnings, 1);
  h.monitor.dispose();
});

test('evidence from the responses becomes the drop\'s hops; a new connect starts a new path; stale evidence is ignored', async () => {
  const h = harness();
  await h.start(endpoint({ heartbeatSeconds: 0, idleTimeoutSeconds: 0, reconnect: NO_JITTER }));
  const first = h.fake.last;
  first.context.sink.evidence({ headers: { server: 'nginx/1.22.1', 'set-cookie': 'id=SECRET' } });
  first.open();
  first.context.sink.evidence({ headers: { 'cf-ray': '8f1c-FRA' } });
  first.end({ cause: 'reset', detail: 'terminated', end: 'truncated' });
  const [drop] = h.of('drop');
  assert.deepEqual(drop!.hops, [{ name: 'Cloudflare', evidence: 'cf-ray' }, { name: 'nginx', evidence: 'Server: nginx/1.22.1' }]);
  assert.equal(drop!.end, 'truncated');
  assert.ok(!JSON.stringify(h.events).includes('SECRET'));
  await h.tick(1_000);
  const second = h.fake.last;
  assert.notEqual(second, first);
  first.context.sink.evidence({ headers: { server: 'Caddy' } });
  second.open();
  second.end({ cause: 'eof', detail: 'done' });
  assert.equal(h.of('drop')[1]!.hops, undefined, 'the old attempt\'s evidence and path do not carry over');
  h.monitor.dispose();
});
