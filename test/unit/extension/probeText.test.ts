// Measure Idle Timeout… wording and the recommended heartbeat setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IdleProbeResult } from '../../../src/core/idleProbe.ts';
import { probeNotice, heartbeatSecondsFor } from '../../../src/extension/probeText.ts';

const base: IdleProbeResult = { survived: false, silenceMs: 60_020, streamAgeMs: 60_100, cause: 'reset', detail: 'terminated', openDetail: 'SSE', serverHeartbeats: { count: 0 } };

test('the recommended heartbeatSeconds is never slower than the recommendation', () => {
  assert.equal(heartbeatSecondsFor(20_000), 20);
  assert.equal(heartbeatSecondsFor(19_999), 19);
  assert.equal(heartbeatSecondsFor(600), 0.6);
  assert.equal(heartbeatSecondsFor(650), 0.6);
  assert.equal(heartbeatSecondsFor(40), 0.1);
});

test('a cut stream reports the silence, cause, recommendation and server heartbeats', () => {
  assert.equal(
    probeNotice('orders', { ...base, recommendedHeartbeatMs: 20_000 }),
    'orders: the stream was cut after 60 s of silence (cause reset: terminated). Recommended heartbeat: every 20 s or more often ("heartbeatSeconds": 20). The server sent no heartbeats.',
  );
});

test('a cut stream through named hops lists the path', () => {
  assert.match(
    probeNotice('orders', { ...base, hops: [{ name: 'Varnish', evidence: 'x-varnish' }, { name: 'Caddy', evidence: 'Server: Caddy' }] }),
    / Path, outermost first: Varnish \(x-varnish\) › Caddy \(Server: Caddy\)\.$/,
  );
});

test('survived and cancelled probes say so', () => {
  const survived = probeNotice('a', { ...base, survived: true, cause: undefined, silenceMs: 120_000, streamAgeMs: 120_000, serverHeartbeats: { count: 8, medianIntervalMs: 15_000 } });
  assert.equal(survived, 'a: the stream survived 2 min (longest silence 2 min): no idle cutoff on this path below that. The server sent 8 heartbeat(s), about every 15 s.');
  assert.match(probeNotice('a', { ...base, survived: true, aborted: true, streamAgeMs: 5000 }), /^a: measurement cancelled after 5 s; the stream was still open\./);
});
