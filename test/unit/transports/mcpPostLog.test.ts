// The MCP transport's per-POST evidence (src/transports/mcp/postLog.ts): each POST's outcome and the
// quiet gap before it, failures classified, and the bounded gap check that follows a failure that the
// next POST proved was the gap's. Real (short) timers: this is transport code, not the core.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PostSample } from '../../../src/core/keepaliveMismatch.ts';
import type { TransportSink } from '../../../src/core/transport.ts';
import { GAP_CHECK, MAX_CONCURRENT_SWEEPS, PostLog, sweepGaps, sweepsRunning } from '../../../src/transports/mcp/postLog.ts';

function sinkRecording(posts: PostSample[]): TransportSink {
  return { opened() {}, activity() {}, warning() {}, retryHint() {}, evidence() {}, ended() {}, post: (p) => posts.push(p) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const socketError = (code: string) => Object.assign(new Error('other side closed'), { code });

test('records each POST with its gap since the previous one ended, and classifies failures', async () => {
  const posts: PostSample[] = [];
  const log = new PostLog(sinkRecording(posts));
  log.begin('initialize')({ status: 200 });
  await sleep(30);
  log.begin('ping')({ status: 502 });
  log.begin('ping')({ error: socketError('UND_ERR_SOCKET') });
  log.begin('ping')({ error: socketError('ECONNRESET') });
  log.begin('ping')({ error: Object.assign(new Error('no answer'), { name: 'TimeoutError' }) });
  log.stop();
  assert.equal(posts[0]!.gapMs, undefined, 'the first POST of a connect has no gap');
  assert.equal(posts[0]!.what, 'request');
  assert.ok(posts[1]!.gapMs! >= 25 && posts[1]!.gapMs! < 200, `gap ${posts[1]!.gapMs}`);
  assert.deepEqual(posts.slice(1).map((p) => [p.what, p.status ?? p.failure]), [['ping', 502], ['ping', 'closed'], ['ping', 'reset'], ['ping', 'timeout']]);
  // Nothing but the purpose, the gap and the outcome: no URL, header or body can leak through it.
  for (const p of posts) assert.deepEqual(Object.keys(p).sort().filter((k) => !['what', 'gapMs', 'status', 'failure'].includes(k)), []);
});

test('a failure after a quiet gap, then a POST that works, starts one bounded check at that gap and half of it', async () => {
  const posts: PostSample[] = [];
  const log = new PostLog(sinkRecording(posts));
  let pings = 0;
  log.setProbe(async () => {
    pings += 1;
    log.begin('ping')({ status: 200 });
  });
  log.begin('initialize')({ status: 200 });
  await sleep(120);
  log.begin('ping')({ status: 502 });
  assert.equal(pings, 0, 'no check before a POST has worked again');
  log.begin('ping')({ status: 200 });
  await sleep(GAP_CHECK.pings * 130 + 500);
  log.stop();
  assert.equal(pings, GAP_CHECK.pings, 'exactly the bounded number of check pings');
  const checks = posts.filter((p) => p.what === 'confirm');
  assert.equal(checks.length, GAP_CHECK.pings);
  const controls = checks.filter((p) => p.gapMs! < 90);
  assert.equal(controls.length, GAP_CHECK.pings / GAP_CHECK.controlEvery, `controls at half the gap: ${checks.map((p) => p.gapMs).join(', ')}`);
  for (const p of checks.filter((c) => c.gapMs! >= 90)) assert.ok(p.gapMs! >= 115, `near the failing gap: ${p.gapMs}`);
});

test('no check for failures after a short gap, and none after stop()', async () => {
  const posts: PostSample[] = [];
  const log = new PostLog(sinkRecording(posts));
  let pings = 0;
  log.setProbe(async () => void (pings += 1));
  log.begin('initialize')({ status: 200 });
  log.begin('ping')({ status: 502 });
  log.begin('ping')({ status: 200 });
  await sleep(150);
  assert.equal(pings, 0, 'a failure right after another POST says nothing about idle connections');
  await sleep(110);
  log.begin('ping')({ status: 502 });
  log.stop();
  log.begin('ping')({ status: 200 });
  await sleep(300);
  assert.equal(pings, 0);
  assert.equal(posts.length, 4, 'nothing recorded after stop()');
});

test('the sweep: common server keep-alives shorter than the heartbeat, longest first, just under each', () => {
  assert.deepEqual(sweepGaps(15_000), [5_998, 5_999, 5_997, 6_000, 5_996, 6_001, 4_998, 4_999, 4_997, 5_000, 4_996, 5_001, 1_998, 1_999, 1_997, 2_000, 1_996, 2_001]);
  assert.deepEqual(sweepGaps(5_500).slice(0, 3), [4_998, 4_999, 4_997], 'a 5.5 s heartbeat never leaves a 6 s gap');
  assert.equal(sweepGaps(5_500).length, 12);
  assert.deepEqual(sweepGaps(300), []);
});

test('the sweep runs once per endpoint: its gaps are consumed from the resume state as its pings go out', async () => {
  const posts: PostSample[] = [];
  const state = { keepaliveSweep: [40, 60] };
  const log = new PostLog(sinkRecording(posts), 15_000, state);
  log.setProbe(async () => log.begin('ping')({ status: 200 }));
  log.begin('initialize')({ status: 200 });
  await sleep(300);
  log.stop();
  assert.deepEqual(state.keepaliveSweep, []);
  const sweeps = posts.filter((p) => p.what === 'sweep');
  assert.equal(sweeps.length, 2);
  assert.ok(sweeps[0]!.gapMs! >= 38 && sweeps[1]!.gapMs! >= 58, `gaps ${sweeps.map((p) => p.gapMs).join(', ')}`);
  // The next connect of the same endpoint shares the state: no second sweep.
  const again: PostSample[] = [];
  const next = new PostLog(sinkRecording(again), 15_000, state);
  let pings = 0;
  next.setProbe(async () => void (pings += 1));
  next.begin('initialize')({ status: 200 });
  await sleep(100);
  next.stop();
  assert.equal(pings, 0);
});

test('at most MAX_CONCURRENT_SWEEPS endpoints sweep at once; a stopped or finished sweep frees its slot for the next', async () => {
  const endpoints = Array.from({ length: MAX_CONCURRENT_SWEEPS + 2 }, () => {
    const posts: PostSample[] = [];
    const state = { keepaliveSweep: [30, 30, 30] };
    const log = new PostLog(sinkRecording(posts), 15_000, state);
    log.setProbe(async () => log.begin('ping')({ status: 200 }));
    return { posts, state, log };
  });
  for (const e of endpoints) e.log.begin('initialize')({ status: 200 });
  assert.equal(sweepsRunning(), MAX_CONCURRENT_SWEEPS);
  await sleep(20);
  const waiting = endpoints.slice(MAX_CONCURRENT_SWEEPS);
  assert.ok(waiting.every((e) => e.posts.every((p) => p.what !== 'sweep')), 'the endpoints past the cap have not swept');
  // The first endpoint stops: its slot goes to the next endpoint whose POST succeeds.
  endpoints[0]!.log.stop();
  assert.equal(sweepsRunning(), MAX_CONCURRENT_SWEEPS - 1);
  waiting[0]!.log.begin('ping')({ status: 200 });
  assert.equal(sweepsRunning(), MAX_CONCURRENT_SWEEPS);
  // Finished sweeps give their slots back.
  await sleep(300);
  assert.deepEqual(endpoints[1]!.state.keepaliveSweep, []);
  assert.ok(sweepsRunning() <= 1, `${sweepsRunning()} still sweeping`);
  waiting[1]!.log.begin('ping')({ status: 200 });
  await sleep(300);
  assert.deepEqual(waiting[1]!.state.keepaliveSweep, []);
  assert.equal(waiting[1]!.posts.filter((p) => p.what === 'sweep').length, 3);
  for (const e of endpoints) e.log.stop();
  assert.equal(sweepsRunning(), 0);
});
