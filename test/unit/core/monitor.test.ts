// Monitor: update() only touches what changed, diagnosis events, status, history, dispose.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose } from '../../../src/core/diagnosis.ts';
import { UnknownEndpointError } from '../../../src/core/errors.ts';
import { REDIAGNOSE_INTERVAL_MS } from '../../../src/core/monitor.ts';
import { endpoint } from '../../support/endpoint.ts';
import { flush } from '../../support/fakeClock.ts';
import { harness } from '../../support/harness.ts';

test('update() leaves untouched sessions running, restarts changed ones, stops removed ones', async () => {
  const h = harness();
  const a = endpoint({ name: 'a' });
  const b = endpoint({ name: 'b' });
  const c = endpoint({ name: 'c' });
  await h.start(a, b, c);
  const [ca, cb, cc] = h.fake.connections;
  ca!.open();
  cb!.open();
  cc!.open();
  // Same a (a fresh but equal object), b changed, c removed, d added.
  h.monitor.update([endpoint({ name: 'a' }), endpoint({ name: 'b', heartbeatSeconds: 5 }), endpoint({ name: 'd' })]);
  await flush();
  assert.equal(ca!.closed, undefined, 'a untouched');
  assert.equal(cb!.closed?.cause, 'manual', 'b restarted');
  assert.equal(cc!.closed?.cause, 'manual', 'c stopped');
  assert.deepEqual(h.fake.connections.slice(3).map((x) => x.context.config.name), ['b', 'd']);
  assert.deepEqual(h.monitor.status().map((s) => [s.name, s.state]), [['a', 'open'], ['b', 'connecting'], ['d', 'connecting']]);
  h.monitor.dispose();
});

test('emits a diagnosis event when a finding appears and again only when its evidence grows', async () => {
  const h = harness();
  h.fake.onConnect = (conn) => queueMicrotask(() => conn.open());
  await h.start(endpoint({ heartbeatSeconds: 0, idleTimeoutSeconds: 0, reconnect: { initialDelaySeconds: 1, maxDelaySeconds: 1, jitter: 0 } }));
  for (let i = 0; i < 4; i++) {
    await h.tick(100_000);
    h.fake.last.end({ cause: 'reset', detail: 'terminated' });
    await h.tick(1_000);
  }
  const diagnoses = h.of('diagnosis');
  assert.deepEqual(diagnoses.map((d) => [d.finding, d.evidence]), [['intermediary-idle-timeout', 3], ['intermediary-idle-timeout', 4]]);
  assert.equal(diagnoses[0]!.estimateMs, 100_000);
  assert.equal(diagnoses[0]!.match, 'Cloudflare');
  assert.equal(diagnoses[0]!.recommendedHeartbeatMs, 30_000);
  assert.match(diagnoses[0]!.message, /die after 100 s of silence/);
  const status = h.monitor.status()[0]!;
  assert.equal(status.findings[0]?.finding, 'intermediary-idle-timeout');
  assert.match(status.findings[0]!.fix, /heartbeat/);
  assert.equal(status.lastDrop?.cause, 'reset');
  h.monitor.dispose();
});

test('findings are re-evaluated on a slow timer: flapping evidence grows and then clears without a drop', async () => {
  const h = harness();
  h.fake.onConnect = (conn) => queueMicrotask(() => conn.open());
  await h.start(endpoint({ heartbeatSeconds: 0, idleTimeoutSeconds: 60, reconnect: { initialDelaySeconds: 1, maxDelaySeconds: 1, jitter: 0 } }));
  // Five short sessions of different ages, each busy until it dies, so neither an idle-timeout nor a
  // lifetime-limit cluster explains the churn.
  for (let i = 0; i < 5; i++) {
    await h.tick(1_000 + i * 700);
    h.fake.last.data();
    h.fake.last.end({ cause: 'reset', detail: 'terminated' });
    await h.tick(1_000);
  }
  const flaps = () => h.of('diagnosis').filter((d) => d.finding === 'flapping').map((d) => d.evidence);
  const statusFindings = () => h.monitor.status()[0]!.findings.map((f) => f.finding);
  assert.deepEqual(flaps(), [5], 'flapping reported at the fifth drop');
  assert.equal(h.monitor.status()[0]!.state, 'open', 'a sixth session is open');
  const dropsBefore = h.of('drop').length;
  // Data every second keeps the stream busy: no stale state, no watchdog, no silence finding.
  const busy = async (ms: number) => {
    for (let t = 0; t < ms; t += 1_000) {
      h.fake.last.data();
      await h.tick(1_000);
    }
  };
  // 17 s have passed; the sixth session is 13 s old at the first re-evaluation: still short, one more flap.
  assert.equal(h.of('diagnosis').length, 1);
  await busy(REDIAGNOSE_INTERVAL_MS - 17_000);
  assert.deepEqual(flaps(), [5, 6], 'evidence grew without a drop');
  await busy(REDIAGNOSE_INTERVAL_MS);
  assert.deepEqual(flaps(), [5, 6], 'no event when nothing changed');
  assert.deepEqual(statusFindings(), ['flapping'], 'still flapping: the open session has not lived 60 s');
  // The session passes 60 s of age before the next re-evaluation.
  await busy(REDIAGNOSE_INTERVAL_MS);
  assert.equal(h.of('drop').length, dropsBefore, 'no drop in the meantime');
  assert.deepEqual(statusFindings(), [], 'flapping cleared once a session outlived the window');
  assert.deepEqual(h.monitor.findingsFor('orders-mcp'), []);
  assert.deepEqual(flaps(), [5, 6], 'clearing emits no diagnosis event');
  h.monitor.dispose();
  assert.equal(h.clock.pendingTimers, 0);
});

test('the re-evaluation timer skips endpoints with nothing to diagnose and emits nothing for them', async () => {
  const calls: string[] = [];
  const h = harness({ diagnose: (history, config, nowWallMs) => (calls.push(config.name), diagnose(history, config, nowWallMs)) });
  const quiet = endpoint({ name: 'quiet', heartbeatSeconds: 0, idleTimeoutSeconds: 0 });
  // One drop is no finding yet, but gives the timer something that time could turn into one.
  const dropped = endpoint({ name: 'dropped', heartbeatSeconds: 0, idleTimeoutSeconds: 0, reconnect: { initialDelaySeconds: 3600, maxDelaySeconds: 3600 } });
  await h.start(quiet, dropped);
  const [q, d] = h.fake.connections;
  q!.open();
  d!.open();
  d!.end({ cause: 'eof', detail: 'bye' });
  calls.length = 0;
  await h.tick(REDIAGNOSE_INTERVAL_MS * 4);
  assert.deepEqual(calls, ['dropped', 'dropped', 'dropped', 'dropped'], 'only the endpoint with a drop is re-evaluated, once per tick');
  assert.equal(h.of('diagnosis').length, 0);
  assert.deepEqual(h.monitor.status().map((s) => s.findings), [[], []]);
  h.monitor.dispose();
});

test('history snapshot, restore and clear', async () => {
  const h = harness();
  await h.start(endpoint());
  h.fake.last.open();
  h.fake.last.end({ cause: 'eof', detail: 'bye' });
  const snap = h.monitor.history();
  assert.equal(snap.endpoints['orders-mcp']!.drops.length, 1);
  assert.equal(snap.endpoints['orders-mcp']!.sessions[0]!.cause, 'eof');
  h.monitor.clearHistory('orders-mcp');
  assert.equal(h.monitor.history().endpoints['orders-mcp'], undefined);
  h.monitor.restoreHistory(snap);
  assert.deepEqual(h.monitor.lastRestoreProblems, []);
  assert.equal(h.monitor.history().endpoints['orders-mcp']!.drops.length, 1);
  h.monitor.restoreHistory({ schemaVersion: 9 } as never);
  assert.equal(h.monitor.lastRestoreProblems.length, 1);
  assert.equal(h.monitor.history().endpoints['orders-mcp']!.drops.length, 1, 'bad snapshot ignored');
  h.monitor.dispose();
});

test('after a history clear or restore, the longest silence is noted again from the next gap', async () => {
  const h = harness();
  h.fake.onConnect = (conn) => queueMicrotask(() => conn.open());
  await h.start(endpoint({ name: 'quiet', heartbeatSeconds: 0, idleTimeoutSeconds: 0 }));
  const gap = async (ms: number) => {
    await h.tick(ms);
    h.fake.last.data(10);
  };
  await gap(500);
  const early = h.monitor.history();
  await gap(9_000);
  await gap(2_000);
  assert.equal(h.monitor.history().endpoints['quiet']!.maxSilenceMs, 9_000);
  h.monitor.clearHistory('quiet');
  await gap(3_000);
  assert.equal(h.monitor.history().endpoints['quiet']!.maxSilenceMs, 3_000, 'a gap shorter than the cleared maximum counts');
  h.monitor.restoreHistory(early);
  assert.equal(h.monitor.history().endpoints['quiet']!.maxSilenceMs, 500);
  await gap(1_000);
  assert.equal(h.monitor.history().endpoints['quiet']!.maxSilenceMs, 1_000, 'and after a restore');
  h.monitor.dispose();
});

test('actions on an unknown endpoint throw a coded error', () => {
  const h = harness();
  assert.throws(() => h.monitor.reconnect('nope'), (e: unknown) => e instanceof UnknownEndpointError && e.code === 'SH_ERR_UNKNOWN_ENDPOINT');
  h.monitor.dispose();
});

test('dispose is idempotent and closes every transport and timer', async () => {
  const h = harness({ withProbe: true });
  h.fake.onConnect = (conn) => queueMicrotask(() => conn.end({ error: 'connect-failed', detail: 'refused' }));
  await h.start(endpoint({ name: 'x' }));
  h.fake.onConnect = undefined;
  h.monitor.update([endpoint({ name: 'x' }), endpoint({ name: 'y', heartbeatSeconds: 5, idleTimeoutSeconds: 15 })]);
  await flush();
  h.fake.last.open();
  assert.ok(h.clock.pendingTimers > 0);
  h.monitor.dispose();
  h.monitor.dispose();
  assert.equal(h.clock.pendingTimers, 0, 'no timer left');
  assert.equal(h.fake.last.closed?.cause, 'manual');
  const before = h.events.length;
  await h.tick(120_000);
  assert.equal(h.events.length, before, 'silent after dispose');
  assert.equal(h.fake.connections.length, 2);
  h.monitor.update([endpoint({ name: 'z' })]);
  assert.equal(h.fake.connections.length, 2, 'update after dispose does nothing');
});
