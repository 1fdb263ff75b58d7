// Diagnosis notifications: at most one per endpoint and finding per hour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotificationThrottle } from '../../../src/extension/notificationThrottle.ts';

test('one notification per endpoint+finding per hour, independent keys, again after the window', () => {
  let now = 0;
  const throttle = new NotificationThrottle({ now: () => now });
  assert.equal(throttle.shouldNotify('a', 'flapping'), true);
  now = 10 * 60_000;
  assert.equal(throttle.shouldNotify('a', 'flapping'), false);
  assert.equal(throttle.shouldNotify('a', 'gateway-timeout'), true);
  assert.equal(throttle.shouldNotify('b', 'flapping'), true);
  now = 3_600_000 - 1;
  assert.equal(throttle.shouldNotify('a', 'flapping'), false);
  now = 3_600_000;
  assert.equal(throttle.shouldNotify('a', 'flapping'), true);
  assert.equal(throttle.shouldNotify('a', 'flapping'), false);
});

test('forget lets an endpoint notify again (after Clear History)', () => {
  let now = 0;
  const throttle = new NotificationThrottle({ now: () => now, windowMs: 1000 });
  assert.equal(throttle.shouldNotify('a', 'x'), true);
  assert.equal(throttle.shouldNotify('ab', 'x'), true);
  throttle.forget('a');
  assert.equal(throttle.shouldNotify('a', 'x'), true);
  // 'ab' is not a prefix match of 'a'.
  assert.equal(throttle.shouldNotify('ab', 'x'), false);
  throttle.forget();
  assert.equal(throttle.shouldNotify('ab', 'x'), true);
});
