// The core's small helpers: structural equality of configs and the message of anything thrown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deepEqual, errorMessage } from '../../../src/core/util.ts';
import { endpoint } from '../../support/endpoint.ts';

test('deepEqual compares configs structurally', () => {
  assert.ok(deepEqual(endpoint(), endpoint()));
  assert.ok(!deepEqual(endpoint(), endpoint({ headers: { A: 'b' } })));
  assert.ok(!deepEqual({ a: [1, 2] }, { a: [2, 1] }));
  assert.ok(!deepEqual({ a: 1 }, { b: 1 }));
  assert.ok(!deepEqual([1], { 0: 1 }), 'an array is not an object with the same keys');
});

test('errorMessage reads an Error by its message and anything else as text', () => {
  assert.equal(errorMessage(new RangeError('too far')), 'too far');
  assert.equal(errorMessage('plain'), 'plain');
  assert.equal(errorMessage(42), '42');
  assert.equal(errorMessage(undefined), 'undefined');
});
