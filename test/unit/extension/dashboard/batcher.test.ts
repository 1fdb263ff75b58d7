// The extension-side batcher: at most one flush per 250 ms, coalesced events, overflow -> resync.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_EVENTS_PER_FLUSH, UpdateBatcher, type Batch, type BatchTimers } from '../../../../src/extension/dashboard/batcher.ts';
import { event, NOW } from '../../webview/fixtures.ts';

/** Manual timers: a queue of callbacks that the test fires with `advance`. */
function fakeTime() {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const api: BatchTimers = {
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => {
      timers = timers.filter((t) => t.id !== id);
    },
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const next = timers[0];
      if (!next || next.at > until) break;
      timers.shift();
      now = next.at;
      next.fn();
    }
    now = until;
  };
  return { api, advance, now: () => now, pending: () => timers.length };
}

const hb = (i: number) => event<'heartbeat'>(NOW + i, 'a', { event: 'heartbeat', direction: 'in', kind: 'sse-comment' });

test('a flood of 1000 events over one second flushes at most every 250 ms and loses none', () => {
  const t = fakeTime();
  const batches: { at: number; batch: Batch }[] = [];
  const b = new UpdateBatcher((batch) => batches.push({ at: t.now(), batch }), { timers: t.api, now: t.now });
  for (let i = 0; i < 1000; i++) {
    b.push(hb(i));
    t.advance(1);
  }
  t.advance(500);
  assert.ok(batches.length <= 5, `${batches.length} flushes`);
  for (let i = 1; i < batches.length; i++) assert.ok(batches[i]!.at - batches[i - 1]!.at >= 250);
  assert.equal(batches.reduce((n, x) => n + x.batch.events.length, 0), 1000);
  assert.ok(batches.every((x) => !x.batch.resync));
});

test('a lone event after a quiet spell goes out at once; message events are not forwarded', () => {
  const t = fakeTime();
  const batches: Batch[] = [];
  const b = new UpdateBatcher((batch) => batches.push(batch), { timers: t.api, now: t.now });
  b.push(event<'message'>(NOW, 'a', { event: 'message', bytes: 10 }));
  b.push(hb(1));
  t.advance(0);
  assert.equal(batches.length, 1);
  assert.deepEqual(batches[0]!.events.map((e) => e.event), ['heartbeat']);
});

test('a state change without an event (undefined) still flushes, empty', () => {
  const t = fakeTime();
  const batches: Batch[] = [];
  const b = new UpdateBatcher((batch) => batches.push(batch), { timers: t.api, now: t.now });
  b.push(undefined);
  t.advance(0);
  assert.deepEqual(batches, [{ events: [], resync: false }]);
});

test('more events than one flush may carry turn into a resync instead', () => {
  const t = fakeTime();
  const batches: Batch[] = [];
  const b = new UpdateBatcher((batch) => batches.push(batch), { timers: t.api, now: t.now });
  b.push(hb(0));
  t.advance(0);
  for (let i = 0; i < MAX_EVENTS_PER_FLUSH + 5; i++) b.push(hb(i));
  t.advance(300);
  assert.deepEqual(batches.at(-1), { events: [], resync: true });
  b.requestResync();
  t.advance(300);
  assert.equal(batches.at(-1)!.resync, true);
});

test('nothing flushes after dispose and its timer is cleared', () => {
  const t = fakeTime();
  const batches: Batch[] = [];
  const b = new UpdateBatcher((batch) => batches.push(batch), { timers: t.api, now: t.now });
  b.push(hb(0));
  t.advance(0);
  b.push(hb(1));
  b.dispose();
  b.dispose();
  assert.equal(t.pending(), 0);
  b.push(hb(2));
  t.advance(1000);
  assert.equal(batches.length, 1);
});
