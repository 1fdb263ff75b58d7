// Countdowns and labels for states and drops (durations: test/unit/core/format.test.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { causeLabel, describeDrop, formatCountdown, plural, STATE_ICONS, STATE_LABELS } from '../../../src/webview/format.ts';

test('counts down to the next reconnect, rounding up so it never shows 0 early', () => {
  assert.equal(formatCountdown(14_200, 10_000), 'in 5 s');
  assert.equal(formatCountdown(10_001, 10_000), 'in 1 s');
  assert.equal(formatCountdown(9_000, 10_000), 'now');
  assert.equal(formatCountdown(undefined, 10_000), '—');
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
  assert.equal(describeDrop({ cause: 'http-status', httpStatus: 200, grpcCode: 13 }), 'HTTP status 200 (gRPC status 13)');
  assert.equal(causeLabel('something-new'), 'something-new');
  assert.equal(plural(1, 'drop'), '1 drop');
  assert.equal(plural(0, 'drop'), '0 drops');
});
