// Human-readable durations, relative times, countdowns and labels.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { causeLabel, describeDrop, formatAgo, formatCountdown, formatDuration, formatSeconds, plural, STATE_ICONS, STATE_LABELS } from '../../../src/webview/format.ts';

test('formats durations compactly at every scale', () => {
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(1500), '1.5 s');
  assert.equal(formatDuration(2000), '2 s');
  assert.equal(formatDuration(12_400), '12 s');
  assert.equal(formatDuration(65_000), '1 m 05 s');
  assert.equal(formatDuration(2 * 3_600_000 + 3 * 60_000), '2 h 03 m');
  assert.equal(formatDuration(3 * 86_400_000 + 4 * 3_600_000), '3 d 04 h');
  assert.equal(formatDuration(undefined), '—');
  assert.equal(formatDuration(-5), '0 ms');
});

test('says how long ago, treating clock skew into the future as just now', () => {
  assert.equal(formatAgo(10_000, 22_000), '12 s ago');
  assert.equal(formatAgo(10_000, 10_500), 'just now');
  assert.equal(formatAgo(20_000, 10_000), 'just now');
  assert.equal(formatAgo(undefined, 10_000), 'never');
});

test('counts down to the next reconnect, rounding up so it never shows 0 early', () => {
  assert.equal(formatCountdown(14_200, 10_000), 'in 5 s');
  assert.equal(formatCountdown(10_001, 10_000), 'in 1 s');
  assert.equal(formatCountdown(9_000, 10_000), 'now');
  assert.equal(formatCountdown(undefined, 10_000), '—');
});

test('formats setting-like seconds', () => {
  assert.equal(formatSeconds(60_000), '60 s');
  assert.equal(formatSeconds(1_500), '1.5 s');
  assert.equal(formatSeconds(59_640), '60 s');
});

test('every state has a label and a distinct icon, so colour is never the only signal', () => {
  const icons = Object.values(STATE_ICONS);
  assert.equal(new Set(icons).size, icons.length);
  for (const label of Object.values(STATE_LABELS)) assert.ok(label.length > 0);
});

test('describes a drop with its status code when known', () => {
  assert.equal(describeDrop({ cause: 'http-status', httpStatus: 504 }), 'HTTP status 504');
  assert.equal(describeDrop({ cause: 'watchdog' }), 'silent death (watchdog)');
  // A code from another layer than the cause says which layer it is (gRPC 13 on a reset stream).
  assert.equal(describeDrop({ cause: 'reset', grpcCode: 13 }), 'connection reset (gRPC status 13)');
  assert.equal(describeDrop({ cause: 'grpc-status', grpcCode: 14 }), 'gRPC status 14');
  assert.equal(describeDrop({ cause: 'ws-close', wsCloseCode: 1006 }), 'WebSocket close 1006');
  assert.equal(causeLabel('something-new'), 'something-new');
  assert.equal(plural(1, 'drop'), '1 drop');
  assert.equal(plural(0, 'drop'), '0 drops');
});
