// The webview's history copy: snapshot load, event folding into sessions/drops/ticks, trimming, and
// drops and errors folded from a real Monitor's events equal to the records its history holds.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LaneStore, MAX_ITEMS_PER_LIST, RETAIN_MS } from '../../../src/webview/laneStore.ts';
import { harness } from '../../support/harness.ts';
import { endpoint } from '../../support/endpoint.ts';
import { drop, event, history, NOW } from './fixtures.ts';

test('loads a snapshot sorted, whatever order the history came in', () => {
  const store = new LaneStore();
  store.load({
    schemaVersion: 1,
    savedAt: '',
    endpoints: {
      a: history({
        drops: [drop(NOW - 1000), drop(NOW - 5000)],
        sessions: [{ openedAt: NOW - 2000, detail: 'b' }, { openedAt: NOW - 9000, endedAt: NOW - 5000, detail: 'a' }],
        heartbeatTimes: { in: [3, 1, 2], out: [] },
      }),
    },
  });
  const lane = store.lane('a');
  assert.deepEqual(lane.drops.map((d) => d.at), [NOW - 5000, NOW - 1000]);
  assert.deepEqual(lane.sessions.map((s) => s.detail), ['a', 'b']);
  assert.deepEqual(lane.heartbeatsIn, [1, 2, 3]);
});

test('open then drop events make a closed session and a drop record', () => {
  const store = new LaneStore();
  assert.equal(store.apply(event<'open'>(NOW, 'x', { event: 'open', detail: 'HTTP/1.1' })), true);
  store.apply(event<'heartbeat'>(NOW + 15_000, 'x', { event: 'heartbeat', direction: 'in', kind: 'sse-comment' }));
  store.apply(event<'drop'>(NOW + 60_000, 'x', { event: 'drop', cause: 'reset', streamAgeMs: 60_000, silenceMs: 45_000, detail: 'terminated', httpStatus: 502 }));
  const lane = store.lane('x');
  assert.deepEqual(lane.sessions, [{ openedAt: NOW, endedAt: NOW + 60_000, cause: 'reset', detail: 'HTTP/1.1' }]);
  assert.equal(lane.drops.length, 1);
  assert.equal(lane.drops[0]!.httpStatus, 502);
  assert.deepEqual(lane.heartbeatsIn, [NOW + 15_000]);
  assert.equal(store.apply(event<'paused'>(NOW, 'x', { event: 'paused' })), false);
});

test('a drop whose open predates the snapshot reconstructs the session from the stream age', () => {
  const store = new LaneStore();
  store.apply(event<'drop'>(NOW, 'y', { event: 'drop', cause: 'eof', streamAgeMs: 30_000, silenceMs: 1, detail: '' }));
  assert.deepEqual(store.lane('y').sessions, [{ openedAt: NOW - 30_000, endedAt: NOW, cause: 'eof', detail: '' }]);
});

test('trims what no window shows and caps each list', () => {
  const store = new LaneStore();
  const lane = store.lane('z');
  lane.drops.push(drop(NOW - RETAIN_MS - 1), drop(NOW - 1000));
  lane.heartbeatsOut = Array.from({ length: MAX_ITEMS_PER_LIST + 10 }, (_, i) => NOW - 1000 + i / 1000);
  store.trim(NOW);
  assert.deepEqual(store.lane('z').drops.map((d) => d.at), [NOW - 1000]);
  assert.equal(store.lane('z').heartbeatsOut.length, MAX_ITEMS_PER_LIST);
});

test('drops and errors folded from the events equal the ones the core history holds, every field', async () => {
  const reconnect = { initialDelaySeconds: 1, maxDelaySeconds: 1, multiplier: 1, jitter: 0, maxAttempts: 0 };
  const h = harness({ withProbe: true });
  await h.start(endpoint({ heartbeatSeconds: 5, idleTimeoutSeconds: 15, reconnect }));
  // A silent stream whose peer answers the probes: a watchdog drop marked peerAlive.
  const silent = h.fake.last.open();
  for (let i = 0; i < 3; i++) {
    await h.tick(5_000);
    if (silent.probes.length) silent.answerProbe(8);
  }
  await h.tick(1_000);
  // A gateway's HTML page before the stream opens (an error), then one ending an open stream (a drop).
  h.fake.last.end({ cause: 'http-status', error: 'http-status', detail: 'HTTP 502 text/html', httpStatus: 502, htmlErrorPage: true });
  await h.tick(1_000);
  h.fake.last.open().end({ cause: 'http-status', detail: 'HTTP 524 text/html', httpStatus: 524, htmlErrorPage: true });
  await h.tick(1_000);
  h.fake.last.open().end({ cause: 'ws-close', detail: 'going away', wsCloseCode: 1001 });
  h.monitor.dispose();

  const core = h.monitor.history().endpoints['orders-mcp']!;
  assert.ok(core.drops.some((d) => d.peerAlive === true), 'a drop with peerAlive');
  assert.ok(core.drops.some((d) => d.htmlErrorPage === true), 'a drop from an HTML error page');
  assert.ok(core.errors.some((e) => e.htmlErrorPage === true), 'an error from an HTML error page');
  const store = new LaneStore();
  for (const e of h.events) store.apply(e);
  const lane = store.lane('orders-mcp');
  assert.deepEqual(lane.drops, core.drops);
  assert.deepEqual(lane.errors, core.errors);
});
