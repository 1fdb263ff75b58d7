// Drop counts over windows, median heartbeat gaps and histogram binning for the forensics.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countDropsSince, forensicDrops, histogram, histogramTicks, medianInterval, niceStep } from '../../../src/webview/stats.ts';
import { drop, NOW } from './fixtures.ts';

test('counts drops in the last hour and day, leaving out manual ones', () => {
  const drops = [
    drop(NOW - 10 * 60_000),
    drop(NOW - 50 * 60_000, { cause: 'manual' }),
    drop(NOW - 2 * 3_600_000),
    drop(NOW - 25 * 3_600_000),
  ];
  assert.equal(countDropsSince(drops, NOW, 3_600_000), 1);
  assert.equal(countDropsSince(drops, NOW, 86_400_000), 2);
  assert.equal(forensicDrops(drops).length, 3);
});

test('the median gap between timestamps', () => {
  assert.equal(medianInterval([0, 15_000, 30_000, 46_000]), 15_000);
  assert.equal(medianInterval([5]), undefined);
});

test('the median gap follows a list that grew since it was last asked', () => {
  const times = [0, 10_000, 20_000];
  assert.equal(medianInterval(times), 10_000);
  times.push(50_000, 80_000);
  assert.equal(medianInterval(times), 20_000);
  assert.equal(medianInterval(times, 2), 30_000);
});

test('nice steps are 1, 2 or 5 times a power of ten', () => {
  assert.equal(niceStep(0.7), 1);
  assert.equal(niceStep(1300), 2000);
  assert.equal(niceStep(2600), 5000);
  assert.equal(niceStep(6000), 10_000);
});

test('bins silences from zero with round widths and includes the cutoff mark in range', () => {
  const h = histogram([60_100, 60_300, 59_900, 61_000, 12_000], 24, 60_000);
  assert.equal(h.startMs, 0);
  assert.equal(h.binWidthMs, 5000);
  assert.equal(h.total, 5);
  assert.ok(h.counts.length <= 24);
  assert.equal(h.counts.reduce((a, b) => a + b, 0), 5);
  // 59.9 s in the 55-60 s bin, the three just over 60 s in 60-65 s.
  assert.equal(h.counts[11], 1);
  assert.equal(h.counts[12], 3);
  assert.equal(h.counts[2], 1);
  assert.equal(h.maxCount, 3);
  assert.deepEqual(histogramTicks(h), [0, 20_000, 40_000, 60_000]);
});

test('a tight cluster far from zero shows as one spike, never more bins than allowed', () => {
  const h = histogram([300_000, 300_400, 301_000, 299_500], 24);
  assert.equal(h.startMs, 0);
  assert.ok(h.counts.length <= 24, `${h.counts.length} bins`);
  // A 1.5 s spread may straddle one bin edge, never more.
  const used = h.counts.map((c, i) => (c > 0 ? i : -1)).filter((i) => i >= 0);
  assert.ok(used.length <= 2 && used.at(-1)! - used[0]! <= 1, `bins used: ${used}`);
  assert.equal(used.at(-1), h.counts.length - 1);
  // The mark extends the range even beyond every value.
  const marked = histogram([1000], 24, 100_000);
  assert.ok(marked.binWidthMs * marked.counts.length > 100_000);
});

test('an empty histogram is empty, not a crash', () => {
  const h = histogram([]);
  assert.equal(h.total, 0);
  assert.deepEqual(h.counts, []);
});
