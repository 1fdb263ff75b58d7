// History: bounded ring buffers, heartbeat stats, snapshot/restore that never throws, CSV/JSON export.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvField, EndpointHistoryStore, HISTORY_LIMITS, HistoryBook, toCsv, toJson } from '../../../src/core/history.ts';
import { NumberRing, RingBuffer } from '../../../src/core/ringBuffer.ts';

const T0 = Date.UTC(2026, 0, 1);

test('a ring buffer matches a plain array model at every fill level and wrap position', () => {
  // NumberRing grows its Float64Array 8, 16, 32...: 9, 17 and 40 cross those steps before they fill.
  const rings = [1, 2, 3, 7, 9, 17, 40].flatMap((capacity) => [new RingBuffer<number>(capacity), new NumberRing(capacity)]);
  for (const ring of rings) {
    const { capacity } = ring;
    const model: number[] = [];
    for (let i = 0; i < capacity * 3 + 2; i++) {
      ring.push(i);
      model.push(i);
      if (model.length > capacity) model.shift();
      assert.deepEqual(ring.toArray(), model, `${ring.constructor.name} ${capacity} after ${i + 1} pushes`);
      assert.equal(ring.length, model.length);
      assert.equal(ring.last(), model.at(-1));
      assert.equal(ring.first(), model[0]);
      for (let n = 0; n <= capacity + 1; n++) assert.deepEqual(ring.tail(n), n === 0 ? [] : model.slice(-n), `tail(${n})`);
    }
    ring.clear();
    assert.deepEqual(ring.toArray(), []);
    assert.equal(ring.last(), undefined);
    ring.push(42);
    assert.deepEqual(ring.toArray(), [42]);
  }
});

test('ring buffers stay bounded and keep the newest items', () => {
  const ring = new RingBuffer<number>(5);
  for (let i = 0; i < 1000; i++) ring.push(i);
  assert.equal(ring.length, 5);
  assert.deepEqual(ring.toArray(), [995, 996, 997, 998, 999]);
  assert.deepEqual(ring.tail(2), [998, 999]);
  assert.throws(() => new RingBuffer(0), RangeError);
  assert.throws(() => new NumberRing(0), RangeError);

  const store = new EndpointHistoryStore();
  for (let i = 0; i < 5000; i++) {
    store.recordConnect(T0 + i);
    store.openSession(T0 + i, 'x');
    store.closeSession(T0 + i + 1, 1, 'eof', '');
    store.recordDrop({ at: T0 + i, cause: 'eof', streamAgeMs: 1, silenceMs: 1, detail: '' });
    store.recordError({ at: T0 + i, cause: 'dns', message: 'ENOTFOUND' });
    store.recordHeartbeat('in', T0 + i, 'sse-comment');
    store.recordHeartbeat('out', T0 + i, 'mcp-ping', 5);
  }
  const h = store.toJSON();
  assert.equal(h.sessions.length, HISTORY_LIMITS.sessions);
  assert.equal(h.drops.length, HISTORY_LIMITS.drops);
  assert.equal(h.errors.length, HISTORY_LIMITS.errors);
  assert.equal(h.connects.length, HISTORY_LIMITS.connects);
  assert.equal(h.heartbeatTimes.in.length, HISTORY_LIMITS.heartbeatTimesPerDirection);
  assert.equal(h.heartbeatTimes.out.length, HISTORY_LIMITS.heartbeatTimesPerDirection);
  assert.equal(h.heartbeats.in.count, 5000, 'counts are totals, not buffer sizes');
  assert.equal(h.drops.at(-1)!.at, T0 + 4999);
});

test('heartbeat stats per direction: count, last, median interval and rtt', () => {
  const store = new EndpointHistoryStore();
  [0, 15_000, 30_000, 46_000, 60_000].forEach((t) => store.recordHeartbeat('in', T0 + t, 'sse-comment'));
  [10, 30, 20].forEach((rtt, i) => store.recordHeartbeat('out', T0 + i * 5000, 'mcp-ping', rtt));
  const { in: hin, out: hout } = store.toJSON().heartbeats;
  assert.deepEqual(hin, { direction: 'in', count: 5, lastAt: T0 + 60_000, medianIntervalMs: 15_000, lastKind: 'sse-comment' });
  assert.equal(hout.medianRttMs, 20);
  assert.equal(hout.medianIntervalMs, 5000);
});

test('maxSilence tracks the longest gap', () => {
  const store = new EndpointHistoryStore();
  store.noteSilence(300);
  store.noteSilence(9000);
  store.noteSilence(100);
  assert.equal(store.toJSON().maxSilenceMs, 9000);
});

test('snapshot and restore round-trip', () => {
  const book = new HistoryBook();
  const store = book.get('a');
  store.openSession(T0, 'HTTP/1.1');
  store.closeSession(T0 + 5000, 5000, 'reset', 'terminated');
  store.recordDrop({ at: T0 + 5000, cause: 'reset', streamAgeMs: 5000, silenceMs: 2000, detail: 'terminated', peerAlive: true, end: 'truncated', hops: [{ name: 'Caddy', evidence: 'Server: Caddy' }] });
  store.recordHeartbeat('out', T0, 'mcp-ping', 7);
  const snap = book.snapshot(T0 + 6000);
  assert.equal(snap.schemaVersion, 1);
  assert.equal(snap.savedAt, new Date(T0 + 6000).toISOString());
  const restored = new HistoryBook();
  const problems = restored.restore(JSON.parse(JSON.stringify(snap)));
  assert.deepEqual(problems, []);
  assert.deepEqual(restored.snapshot(T0 + 6000), snap);
});

test('restored hops and close shapes are checked: a bad list or an unknown shape drops the record', () => {
  const book = new HistoryBook();
  const drop = { at: T0, cause: 'reset', streamAgeMs: 1, silenceMs: 1, detail: 'x' };
  const problems = book.restore({
    schemaVersion: 1,
    endpoints: { a: { drops: [
      { ...drop, hops: [{ name: 'nginx', evidence: 'Server: nginx' }], end: 'rst-internal-error' },
      { ...drop, hops: [{ name: 42 }] },
      { ...drop, hops: 'nginx' },
      { ...drop, end: 'exploded' },
      { ...drop, hops: [{ name: 'x'.repeat(500), evidence: 'y' }] },
    ] } },
  });
  assert.deepEqual(problems, ['history.endpoints["a"].drops: 3 malformed entries ignored']);
  const drops = book.get('a').toJSON().drops;
  assert.equal(drops.length, 2);
  assert.equal(drops[0]!.end, 'rst-internal-error');
  assert.equal(drops[1]!.hops![0]!.name.length, 80, 'restored hop names are bounded again');
});

test('restore ignores bad shapes with a reason and never throws', () => {
  const book = new HistoryBook();
  book.get('keep').recordConnect(T0);
  for (const bad of [null, 42, 'x', [], { schemaVersion: 2, endpoints: {} }, { schemaVersion: 1 }, { schemaVersion: 1, endpoints: [] }]) {
    const problems = book.restore(bad);
    assert.equal(problems.length, 1, `one reason for ${JSON.stringify(bad)}`);
  }
  assert.deepEqual(book.get('keep').toJSON().connects, [T0], 'a rejected snapshot changes nothing');
  const problems = book.restore({
    schemaVersion: 1,
    endpoints: {
      broken: 'nope',
      partial: {
        drops: [{ at: T0, cause: 'eof', streamAgeMs: 1, silenceMs: 1, detail: 'ok' }, { at: 'yesterday' }, { at: T0, cause: 'bogus', streamAgeMs: 1, silenceMs: 1, detail: '' }],
        sessions: 'not a list',
        connects: [T0, 'x', null],
        heartbeats: { in: { count: -5 }, out: 'x' },
        maxSilenceMs: Infinity,
      },
    },
  });
  assert.equal(problems.length, 4);
  assert.ok(problems.some((p) => /broken.*not an object/.test(p)));
  assert.ok(problems.some((p) => /drops: 2 malformed entries ignored/.test(p)));
  const partial = book.get('partial').toJSON();
  assert.equal(partial.drops.length, 1);
  assert.deepEqual(partial.connects, [T0]);
  assert.equal(partial.heartbeats.in.count, 0);
  assert.equal(partial.maxSilenceMs, 0);
});

test('CSV export: a header, one row per session and per drop, proper escaping', () => {
  const book = new HistoryBook();
  const store = book.get('orders, "prod"');
  store.openSession(T0, 'MCP 2025-11-25');
  store.closeSession(T0 + 1000, 1000, 'eof', 'closed, "politely"\nby server');
  store.recordDrop({ at: T0 + 1000, cause: 'eof', streamAgeMs: 1000, silenceMs: 400, detail: '=HYPERLINK("x")', httpStatus: 502 });
  const csv = toCsv(book.snapshot(T0));
  const lines = csv.split('\r\n');
  assert.equal(lines[0], 'endpoint,record,at,ended_at,cause,stream_age_ms,silence_ms,http_status,grpc_code,ws_close_code,peer_alive,detail');
  assert.equal(lines[1], `"orders, ""prod""",session,${new Date(T0).toISOString()},${new Date(T0 + 1000).toISOString()},eof,1000,,,,,,"MCP 2025-11-25; closed, ""politely""\nby server"`);
  assert.equal(lines[2], `"orders, ""prod""",drop,${new Date(T0 + 1000).toISOString()},,eof,1000,400,502,,,,"'=HYPERLINK(""x"")"`);
  assert.equal(csvField(undefined), '');
  assert.equal(csvField(true), 'true');
  assert.equal(csvField(' padded'), '" padded"');
  assert.ok(toJson(book.snapshot(T0)).endsWith('}\n'));
});
