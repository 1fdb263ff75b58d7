// Keepalive cadence: probes every heartbeat with +-10 % jitter from the injected clock, so streams opened
// together spread out; the fake clock pins random() to make the timing exact.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jitteredIntervalMs, Keepalive, PROBE_JITTER } from '../../../src/core/keepalive.ts';
import type { ProbeResult } from '../../../src/core/transport.ts';
import { FakeClock, flush } from '../../support/fakeClock.ts';

function keepalive(clock: FakeClock, heartbeatMs: number) {
  const sentAt: number[] = [];
  const k = new Keepalive({
    clock,
    heartbeatMs,
    idleWindowMs: 0,
    probe: () => {
      sentAt.push(clock.now());
      return Promise.resolve<ProbeResult>({ kind: 'mcp-ping', rttMs: 1 });
    },
    onAnswer: () => {},
    onFailure: () => assert.fail('no probe should fail'),
  });
  return { k, sentAt };
}

test('the interval is heartbeat x (1 +- 10 %), exact at random() = 0.5', () => {
  assert.equal(PROBE_JITTER, 0.1);
  assert.equal(jitteredIntervalMs(10_000, 0.5), 10_000);
  assert.equal(jitteredIntervalMs(10_000, 0), 9_000);
  assert.ok(Math.abs(jitteredIntervalMs(10_000, 0.999999) - 11_000) < 1);
});

test('probes follow the jittered intervals drawn from the clock', async () => {
  const clock = new FakeClock();
  const t0 = clock.now();
  // Extremes first, then the default 0.5 (exact heartbeat).
  clock.queueRandom(0, 0.999999);
  const { k, sentAt } = keepalive(clock, 10_000);
  k.start();
  clock.advance(8_999);
  assert.equal(sentAt.length, 0, 'not before 0.9 x heartbeat');
  clock.advance(1);
  assert.deepEqual(sentAt, [t0 + 9_000]);
  await flush();
  clock.advance(10_999);
  assert.equal(sentAt.length, 1, 'the second interval was drawn at the top of the range');
  clock.advance(1);
  assert.equal(sentAt.length, 2);
  assert.ok(Math.abs(sentAt[1]! - (t0 + 20_000)) < 1);
  await flush();
  clock.advance(10_000);
  assert.equal(sentAt.length, 3);
  assert.ok(Math.abs(sentAt[2]! - (t0 + 30_000)) < 1);
  k.stop();
  assert.equal(clock.pendingTimers, 0);
});

test('streams started together spread out instead of probing in one burst', () => {
  const clock = new FakeClock();
  const t0 = clock.now();
  const runs = [0, 0.25, 0.5, 0.75, 0.99].map((r) => {
    clock.queueRandom(r);
    const run = keepalive(clock, 30_000);
    run.k.start();
    return run;
  });
  clock.advance(33_000);
  const firsts = runs.map((r) => r.sentAt[0]! - t0);
  assert.equal(new Set(firsts).size, firsts.length, `distinct first-probe times: ${firsts.join(', ')}`);
  assert.ok(Math.max(...firsts) - Math.min(...firsts) > 5_000, 'spread over more than 5 s of a 30 s heartbeat');
  for (const r of runs) r.k.stop();
});
