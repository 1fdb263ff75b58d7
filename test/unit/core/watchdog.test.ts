// Idle watchdog: stale at half, expired at the window and not before, one timer, clock jumps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Watchdog } from '../../../src/core/watchdog.ts';
import { FakeClock } from '../../support/fakeClock.ts';

function setup(windowMs = 10_000) {
  const clock = new FakeClock();
  const calls: string[] = [];
  const dog = new Watchdog({
    windowMs,
    clock,
    onStale: (s) => calls.push(`stale ${s}`),
    onExpired: (s) => calls.push(`expired ${s}`),
    onClockJump: () => calls.push('jump'),
  });
  return { clock, calls, dog };
}

test('watchdog fires at the window and not before; stale at half', () => {
  const { clock, calls, dog } = setup();
  dog.start();
  clock.advance(4_999);
  assert.deepEqual(calls, []);
  clock.advance(1);
  assert.deepEqual(calls, ['stale 5000']);
  clock.advance(4_999);
  assert.deepEqual(calls, ['stale 5000']);
  clock.advance(1);
  assert.deepEqual(calls, ['stale 5000', 'expired 10000']);
  clock.advance(60_000);
  assert.equal(calls.length, 2, 'fires once');
});

test('activity postpones expiry without arming a timer per message', () => {
  const { clock, calls, dog } = setup();
  dog.start();
  for (let i = 0; i < 100; i++) {
    clock.advance(3_000);
    dog.activity();
    assert.equal(clock.pendingTimers, 1, 'exactly one timer armed');
  }
  assert.deepEqual(calls, []);
  clock.advance(10_000);
  assert.deepEqual(calls, ['stale 5000', 'expired 10000']);
});

test('activity after stale allows a new stale report', () => {
  const { clock, calls, dog } = setup();
  dog.start();
  clock.advance(6_000);
  dog.activity();
  clock.advance(5_000);
  assert.deepEqual(calls, ['stale 5000', 'stale 5000']);
});

test('window 0 turns the watchdog off', () => {
  const { clock, calls, dog } = setup(0);
  dog.start();
  clock.advance(10 ** 7);
  assert.deepEqual(calls, []);
  assert.equal(clock.pendingTimers, 0);
});

test('a wall-clock jump (suspend) triggers a liveness check, not a drop, and gives a fresh window', () => {
  const { clock, calls, dog } = setup();
  dog.start();
  clock.advance(2_000);
  clock.jumpWall(3 * 3600_000); // machine slept three hours; monotonic time stood still
  clock.advance(3_000); // the stale timer fires on time by the monotonic clock
  assert.deepEqual(calls, ['jump']);
  clock.advance(4_999);
  assert.deepEqual(calls, ['jump'], 'window restarted at the jump');
  clock.advance(5_001);
  assert.deepEqual(calls, ['jump', 'stale 5000', 'expired 10000']);
});

test('a timer that fires far too late (frozen process) triggers a liveness check, not a drop', () => {
  const { clock, calls, dog } = setup();
  dog.start();
  clock.freeze(2 * 3600_000);
  assert.deepEqual(calls, ['jump']);
  assert.ok(dog.silenceMs() < 1000, 'silence measured from the jump, not across the sleep');
});

test('stop cancels the timer', () => {
  const { clock, calls, dog } = setup();
  dog.start();
  dog.stop();
  assert.equal(clock.pendingTimers, 0);
  clock.advance(60_000);
  assert.deepEqual(calls, []);
});
