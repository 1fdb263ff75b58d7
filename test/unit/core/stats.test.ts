// The core's statistics: medians and gaps between timestamps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { intervals, median } from '../../../src/core/stats.ts';

test('the median of an odd count is the middle value, of an even count the mean of the middle two', () => {
  assert.equal(median([]), undefined);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
});

test('intervals are the gaps between consecutive times', () => {
  assert.deepEqual(intervals([0, 15_000, 30_000, 46_000]), [15_000, 15_000, 16_000]);
  assert.deepEqual(intervals([5]), []);
});
