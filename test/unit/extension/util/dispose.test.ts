// disposeAll and the Disposable base: every child is disposed once, in reverse order, and no error is lost.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Disposable, disposeAll, toDisposable } from '../../../../src/extension/util/dispose.ts';

test('disposeAll disposes every item and throws all their errors as one AggregateError', () => {
  const disposed: string[] = [];
  const first = new Error('first failed');
  const third = new Error('third failed');
  const items = [
    toDisposable(() => { disposed.push('first'); throw first; }),
    toDisposable(() => disposed.push('second')),
    toDisposable(() => { disposed.push('third'); throw third; }),
  ];
  assert.throws(() => disposeAll(items), (error: unknown) => {
    assert.ok(error instanceof AggregateError);
    assert.deepEqual(error.errors, [first, third]);
    assert.match(error.message, /2 errors while disposing/);
    return true;
  });
  assert.deepEqual(disposed, ['first', 'second', 'third'], 'a throwing item does not stop the others');
});

test('disposeAll rethrows a sole error unchanged and is silent when nothing fails', () => {
  const only = new Error('only one');
  assert.throws(() => disposeAll([toDisposable(() => { throw only; }), toDisposable(() => {})]), (error: unknown) => error === only);
  assert.doesNotThrow(() => disposeAll([toDisposable(() => {})]));
});

test('a Disposable disposes its children once, newest first, even after one of them throws', () => {
  const order: string[] = [];
  class Owner extends Disposable {
    add(name: string, fail = false): void {
      this._register(toDisposable(() => { order.push(name); if (fail) throw new Error(`${name} failed`); }));
    }
  }
  const owner = new Owner();
  owner.add('a', true);
  owner.add('b', true);
  owner.add('c');
  assert.throws(() => owner.dispose(), (error: unknown) => error instanceof AggregateError && error.errors.length === 2);
  assert.deepEqual(order, ['c', 'b', 'a']);
  owner.dispose();
  assert.deepEqual(order, ['c', 'b', 'a'], 'a second dispose() does nothing');
  owner.add('late');
  assert.deepEqual(order, ['c', 'b', 'a', 'late'], 'registering after dispose disposes at once');
});
