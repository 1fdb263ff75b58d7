// Backoff: exponential growth, cap, jitter range, server hints within bounds, reset, maxAttempts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff, HINT_CEILING_MS, HINT_FLOOR_MS } from '../../../src/core/backoff.ts';
import { FakeClock } from '../../support/fakeClock.ts';

const config = { initialDelaySeconds: 1, maxDelaySeconds: 30, multiplier: 2, jitter: 0, maxAttempts: 0 };

test('grows exponentially and caps at maxDelaySeconds', () => {
  const b = new Backoff(config, new FakeClock());
  const delays = Array.from({ length: 8 }, () => b.next());
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  assert.equal(b.attempts, 8);
});

test('jitter stays within [base*(1-j), base*(1+j)] and never above the cap', () => {
  const clock = new FakeClock();
  const b = new Backoff({ ...config, jitter: 0.5 }, clock);
  clock.queueRandom(0, 0.999999, 0, 0.999999);
  assert.equal(b.next(), 500); // base 1000, lowest
  assert.equal(b.next(), 3000); // base 2000, highest
  b.reset();
  for (let i = 0; i < 300; i++) {
    clock.queueRandom(Math.random());
    const n = (i % 8) + 1;
    if (n === 1) b.reset();
    const d = b.next();
    const base = Math.min(30000, 1000 * 2 ** (n - 1));
    assert.ok(d >= Math.floor(base * 0.5) && d <= Math.min(30000, Math.ceil(base * 1.5)), `attempt ${n}: ${d} outside bounds of base ${base}`);
  }
});

test('honours a server hint, clamped to the floor and ceiling', () => {
  const b = new Backoff(config, new FakeClock());
  assert.equal(b.next(7000), 7000); // hint larger than the 1 s backoff wins
  assert.equal(b.next(10), 2000); // tiny hint is floored to 1 s, backoff 2 s wins
  b.reset();
  assert.equal(b.next(10), HINT_FLOOR_MS);
  assert.equal(b.next(10 ** 9), HINT_CEILING_MS);
});

test('is exhausted after maxAttempts consecutive failures and reset clears it', () => {
  const b = new Backoff({ ...config, maxAttempts: 3 }, new FakeClock());
  b.next();
  b.next();
  assert.equal(b.exhausted, false);
  b.next();
  assert.equal(b.exhausted, true);
  b.reset();
  assert.equal(b.exhausted, false);
  assert.equal(b.attempts, 0);
  assert.equal(b.next(), 1000);
});

test('maxAttempts 0 never exhausts', () => {
  const b = new Backoff(config, new FakeClock());
  for (let i = 0; i < 50; i++) b.next();
  assert.equal(b.exhausted, false);
});
