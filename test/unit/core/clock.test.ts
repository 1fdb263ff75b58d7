// The per-message clock: one system-clock reading per synchronous stretch, exact reads of a fake clock.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { instantReader, systemClock } from '../../../src/core/clock.ts';
import type { Clock } from '../../../src/core/clock.ts';

describe('instantReader', () => {
  test('on the system clock, reads once per synchronous stretch and again after a microtask', async () => {
    const reader = instantReader(systemClock);
    const first = reader.now();
    const firstWall = reader.wallNow();
    const until = performance.now() + 3;
    while (performance.now() < until) {
      // busy: the real clock moves, the reading must not
    }
    assert.equal(reader.now(), first);
    assert.equal(reader.wallNow(), firstWall);
    await Promise.resolve();
    assert.ok(reader.now() >= first + 3, 'a new stretch reads the clock again');
    assert.ok(Math.abs(reader.wallNow() - Date.now()) <= 5, 'the wall time follows Date.now()');
  });

  test('a fake clock is read exactly (tests advance it synchronously)', () => {
    const fake = { now: () => 1, wallNow: () => 2 } as unknown as Clock;
    assert.equal(instantReader(fake), fake);
  });
});
