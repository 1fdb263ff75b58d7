// The one duration format every surface uses, relative times, and the names of protocol codes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeCodes, formatAgo, formatDuration, namedCodes } from '../../../src/core/format.ts';

test('durations keep two decimals under 10 s, whole seconds under 2 min, then two units', () => {
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(2_019), '2.02 s');
  assert.equal(formatDuration(2_001), '2 s');
  assert.equal(formatDuration(1_500), '1.5 s');
  assert.equal(formatDuration(12_400), '12 s');
  assert.equal(formatDuration(65_000), '65 s');
  assert.equal(formatDuration(100_000), '100 s');
  assert.equal(formatDuration(125_000), '2 min 05 s');
  assert.equal(formatDuration(600_000), '10 min', 'a zero second part is left out');
  assert.equal(formatDuration(2 * 3_600_000 + 5 * 60_000), '2 h 05 min');
  assert.equal(formatDuration(3 * 86_400_000 + 4 * 3_600_000), '3 d 04 h');
});

test('each step rounds to its own unit, carrying into the next one', () => {
  assert.equal(formatDuration(999.6), '1 s');
  assert.equal(formatDuration(9_996), '10 s');
  assert.equal(formatDuration(119_600), '2 min');
  assert.equal(formatDuration(3_599_600), '1 h');
  assert.equal(formatDuration(3_659_000), '1 h 01 min');
  assert.equal(formatDuration(86_399_000), '1 d');
});

test('negative durations (clock skew) read as zero and missing ones as a dash', () => {
  assert.equal(formatDuration(-5), '0 ms');
  assert.equal(formatDuration(undefined), '—');
  assert.equal(formatDuration(Number.NaN), '—');
  assert.equal(formatDuration(Number.POSITIVE_INFINITY), '—');
});

test('says how long ago, treating clock skew into the future as just now', () => {
  assert.equal(formatAgo(10_000, 22_000), '12 s ago');
  assert.equal(formatAgo(10_000, 10_500), 'just now');
  assert.equal(formatAgo(20_000, 10_000), 'just now');
  assert.equal(formatAgo(undefined, 10_000), 'never');
});

test('protocol codes are named by their layer, in a fixed order', () => {
  assert.deepEqual(describeCodes({}), []);
  assert.deepEqual(describeCodes({ wsCloseCode: 1006, httpStatus: 101 }), ['HTTP status 101', 'WebSocket close 1006']);
  assert.deepEqual(describeCodes({ grpcCode: 0 }), ['gRPC status 0'], 'code 0 (gRPC OK) is still a code');
  assert.deepEqual(namedCodes({ httpStatus: 504 }), [{ label: 'HTTP status', key: 'http', value: 504 }]);
});
