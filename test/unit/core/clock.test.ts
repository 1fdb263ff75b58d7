// The per-message clock: one system-clock reading per synchronous stretch while stretches hold several
// messages, direct reads while they hold one, exact reads of a fake clock.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { instantReader, StretchReader, systemClock } from '../../../src/core/clock.ts';
import type { Clock } from '../../../src/core/clock.ts';

function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // the real clock moves; a shared reading must not
  }
}

/** A reader after 300 stretches of one read each (a stream delivering one message per socket read). */
async function singleReadStretches(): Promise<StretchReader> {
  const reader = new StretchReader();
  for (let i = 0; i < 300; i++) {
    reader.now();
    await Promise.resolve();
  }
  return reader;
}

describe('StretchReader', () => {
  test('reads once per synchronous stretch and again after a microtask', async () => {
    const reader = instantReader(systemClock);
    const first = reader.now();
    const firstWall = reader.wallAt(first);
    busyWait(3);
    assert.equal(reader.now(), first);
    await Promise.resolve();
    const next = reader.now();
    assert.ok(next >= first + 3, 'a new stretch reads the clock again');
    assert.ok(Math.abs(reader.wallAt(next) - Date.now()) <= 5, 'the wall time follows Date.now()');
    assert.ok(reader.wallAt(next) - firstWall >= 3);
  });

  test('stretches of one message switch it to direct reads; stretches of many keep it batching', async () => {
    const single = await singleReadStretches();
    assert.equal(single.isBatching, false);
    const a = single.now();
    busyWait(2);
    assert.ok(single.now() >= a + 2, 'direct: every read is the clock');

    const busy = new StretchReader();
    for (let i = 0; i < 300; i++) {
      for (let k = 0; k < 20; k++) busy.now();
      await Promise.resolve();
    }
    assert.equal(busy.isBatching, true);
  });

  test('a direct reader samples again later, and batches if the stream now comes in bursts', async () => {
    const reader = await singleReadStretches();
    assert.equal(reader.isBatching, false);
    for (let i = 0; i < 70_000; i++) reader.now();
    await Promise.resolve();
    for (let i = 0; i < 300; i++) {
      for (let k = 0; k < 20; k++) reader.now();
      await Promise.resolve();
    }
    assert.equal(reader.isBatching, true, 'bursts after the span of direct reads: batching again');
    // Two sample windows: the first may still hold the tail of the bursts.
    for (let i = 0; i < 600; i++) {
      reader.now();
      await Promise.resolve();
    }
    assert.equal(reader.isBatching, false, 'and single reads again: direct again');
  });

  test('a reading never goes backwards, even when sampling flips the mode inside one stretch', async () => {
    const reader = new StretchReader();
    for (let i = 0; i < 255; i++) {
      reader.now();
      await Promise.resolve();
    }
    // The 256th stretch decides "direct" on its first read; 65,535 more reads in the same stretch end the
    // direct span and resume sampling, still inside the stretch of that first reading.
    const first = reader.now();
    assert.equal(reader.isBatching, false);
    let last = first;
    for (let i = 0; i < 65_536; i++) last = reader.now();
    assert.equal(reader.isBatching, true);
    busyWait(2);
    const after = reader.now();
    assert.ok(after >= last, `no earlier reading comes back (${after} after ${last})`);
    assert.ok(after >= first + 2, 'a fresh reading, not the one the stretch began with');
  });

  test('a fake clock is read exactly (tests advance it synchronously)', () => {
    let mono = 1;
    const fake = { now: () => mono, wallNow: () => 1000 + mono } as unknown as Clock;
    const reader = instantReader(fake);
    assert.equal(reader.now(), 1);
    mono = 5;
    assert.equal(reader.now(), 5);
    assert.equal(reader.wallAt(5), 1005);
  });
});
