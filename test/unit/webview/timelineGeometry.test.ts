// Timeline layout math: scales, culling to the window, tick decimation and hit testing, including
// a 50-lane, 10,000-event load that must stay cheap to lay out.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axisTicks, laneAt, lowerBound, makeScale, moveCursor, nearestItem, sessionBars, tickColumns, timeToX, visibleCounts, visibleRange, windowLabel, xToTime } from '../../../src/webview/timelineGeometry.ts';

const NOW = 10_000_000;
const scale = makeScale(NOW, 1_000_000, 100, 1000); // 1 px per second, from x = 100

test('maps time to x and back across the window', () => {
  assert.equal(timeToX(scale, NOW - 1_000_000), 100);
  assert.equal(timeToX(scale, NOW), 1100);
  assert.equal(timeToX(scale, NOW - 500_000), 600);
  assert.equal(xToTime(scale, 600), NOW - 500_000);
});

test('labels the three windows', () => {
  assert.deepEqual([900_000, 3_600_000, 86_400_000].map(windowLabel), ['15 min', '1 h', '24 h']);
});

test('lowerBound finds the first item at or after a value', () => {
  const list = [1, 3, 3, 7];
  assert.equal(lowerBound(list, 0, (x) => x), 0);
  assert.equal(lowerBound(list, 3, (x) => x), 1);
  assert.equal(lowerBound(list, 4, (x) => x), 3);
  assert.equal(lowerBound(list, 8, (x) => x), 4);
});

test('session bars are clipped to the window; ended-before and future sessions are skipped', () => {
  const sessions = [
    { openedAt: NOW - 3_000_000, endedAt: NOW - 2_000_000 }, // before the window
    { openedAt: NOW - 1_200_000, endedAt: NOW - 900_000 }, // starts before, ends inside
    { openedAt: NOW - 300_000 }, // still open
  ];
  const bars = sessionBars(sessions, scale, NOW);
  assert.equal(bars.length, 2);
  assert.deepEqual(bars[0], { x0: 100, x1: 200, open: false, index: 1 });
  assert.deepEqual(bars[1], { x0: 800, x1: 1100, open: true, index: 2 });
});

test('a session shorter than a pixel still gets a 1 px bar', () => {
  const bars = sessionBars([{ openedAt: NOW - 500_000, endedAt: NOW - 499_900 }], scale, NOW);
  assert.equal(bars[0]!.x1 - bars[0]!.x0, 1);
});

test('heartbeat ticks collapse to one per pixel column and skip what is outside', () => {
  const times = [NOW - 2_000_000, NOW - 500_000, NOW - 499_800, NOW - 499_700, NOW - 100_000, NOW + 5000];
  assert.deepEqual(tickColumns(times, scale), [600, 1000]);
});

test('visibleRange and nearestItem work on sorted lists', () => {
  const drops = [{ at: NOW - 2_000_000 }, { at: NOW - 600_000 }, { at: NOW - 590_000 }, { at: NOW + 1 }];
  assert.deepEqual(visibleRange(drops, scale, (d) => d.at), [1, 3]);
  assert.equal(nearestItem(drops, scale, 502, 6, (d) => d.at), 1);
  assert.equal(nearestItem(drops, scale, 509, 6, (d) => d.at), 2);
  assert.equal(nearestItem(drops, scale, 560, 6, (d) => d.at), -1);
});

test('the summary counts the session bars and drop markers the window shows, over every lane', () => {
  const lanes = [
    {
      sessions: [{ openedAt: NOW - 3_000_000, endedAt: NOW - 2_000_000 }, { openedAt: NOW - 1_200_000, endedAt: NOW - 900_000 }, { openedAt: NOW - 300_000 }],
      drops: [{ at: NOW - 2_000_000 }, { at: NOW - 900_000 }],
    },
    { sessions: [{ openedAt: NOW - 10_000, endedAt: NOW - 5_000 }], drops: [{ at: NOW - 5_000 }, { at: NOW + 1 }] },
    { sessions: [], drops: [] },
  ];
  assert.deepEqual(visibleCounts(lanes, scale, NOW), { sessions: 3, drops: 2 });
  assert.deepEqual(visibleCounts([], scale, NOW), { sessions: 0, drops: 0 });
});

test('lanes are hit by y; outside is -1', () => {
  const layout = { top: 4, laneHeight: 26 };
  assert.equal(laneAt(layout, 5, 3), 0);
  assert.equal(laneAt(layout, 4 + 26 * 2 + 1, 3), 2);
  assert.equal(laneAt(layout, 4 + 26 * 3 + 1, 3), -1);
  assert.equal(laneAt(layout, 0, 3), -1);
});

test('axis ticks are round and inside the window', () => {
  const s = makeScale(Date.UTC(2026, 0, 1, 12, 7), 3_600_000, 0, 600);
  const ticks = axisTicks(s);
  assert.ok(ticks.length >= 3 && ticks.length <= 7, `${ticks.length} ticks`);
  for (const t of ticks) {
    assert.ok(t >= s.from && t <= s.to);
    assert.equal(t % 600_000, 0);
  }
});

test('lays out 50 lanes with 10,000 heartbeats and drops each within a generous budget', () => {
  const lanes = Array.from({ length: 50 }, (_, lane) => {
    const heartbeats = Array.from({ length: 200 }, (_, i) => NOW - 86_400_000 + i * 432_000 + lane);
    const drops = Array.from({ length: 200 }, (_, i) => ({ at: NOW - 86_400_000 + i * 432_000 + 7 + lane }));
    const sessions = drops.map((d, i) => ({ openedAt: d.at - 400_000, endedAt: i === drops.length - 1 ? undefined : d.at }));
    return { heartbeats, drops, sessions };
  });
  const day = makeScale(NOW, 86_400_000, 170, 1200);
  const started = performance.now();
  let items = 0;
  for (let frame = 0; frame < 10; frame++) {
    for (const l of lanes) {
      items += tickColumns(l.heartbeats, day).length;
      items += sessionBars(l.sessions, day, NOW).length;
      const [a, b] = visibleRange(l.drops, day, (d) => d.at);
      items += b - a;
    }
  }
  const perFrameMs = (performance.now() - started) / 10;
  assert.ok(items > 0);
  // A frame has 16 ms; layout must be a small part of it even on a busy shared machine.
  assert.ok(perFrameMs < 50, `layout took ${perFrameMs.toFixed(2)} ms per frame`);
});

test('the keyboard cursor walks lanes and their visible drops', () => {
  const ranges: [number, number][] = [[2, 5], [0, 0], [1, 3]];
  let c = moveCursor(undefined, 'ArrowRight', ranges);
  assert.deepEqual(c, { lane: 0, drop: 4 }, 'starts on the newest drop of the first lane');
  c = moveCursor(c, 'ArrowLeft', ranges);
  assert.deepEqual(c, { lane: 0, drop: 3 });
  c = moveCursor(c, 'Home', ranges);
  assert.deepEqual(c, { lane: 0, drop: 2 });
  c = moveCursor(c, 'ArrowLeft', ranges);
  assert.deepEqual(c, { lane: 0, drop: 2 }, 'stops at the oldest visible drop');
  c = moveCursor(c, 'ArrowDown', ranges);
  assert.deepEqual(c, { lane: 1, drop: -1 }, 'a lane without drops has no drop selected');
  c = moveCursor(c, 'ArrowDown', ranges);
  assert.deepEqual(c, { lane: 2, drop: 2 });
  c = moveCursor(c, 'ArrowDown', ranges);
  assert.deepEqual(c, { lane: 2, drop: 2 }, 'stays on the last lane');
  assert.equal(moveCursor(c, 'Escape', ranges), undefined);
  assert.equal(moveCursor(c, 'ArrowUp', []), undefined);
});
