// History persistence on a real temp directory: atomic writes, debouncing, bounds, corrupt files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { EndpointHistory, HistorySnapshot } from '../../../src/core/model.ts';
import { HistoryFile, serializeBounded } from '../../../src/extension/historyFile.ts';

function endpoint(drops: number): EndpointHistory {
  return {
    sessions: Array.from({ length: drops }, (_, i) => ({ openedAt: i * 1000, endedAt: i * 1000 + 500, ageMs: 500, cause: 'reset', detail: 'x' })),
    drops: Array.from({ length: drops }, (_, i) => ({ at: i * 1000 + 500, cause: 'reset', streamAgeMs: 500, silenceMs: 400, detail: 'terminated' })),
    errors: [],
    heartbeatTimes: { in: [1, 2, 3], out: [] },
    heartbeats: { in: { direction: 'in', count: 3 }, out: { direction: 'out', count: 0 } },
    connects: [0],
    maxSilenceMs: 400,
    warnings: 0,
  };
}

function snapshot(drops = 3): HistorySnapshot {
  return { schemaVersion: 1, savedAt: '2026-11-22T15:00:00.000Z', endpoints: { orders: endpoint(drops) } };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sh-history-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('save then load round-trips, and no temp file is left behind', () =>
  withDir(async (dir) => {
    const store = new HistoryFile({ dir: path.join(dir, 'nested') });
    await store.save(snapshot());
    const loaded = await new HistoryFile({ dir: path.join(dir, 'nested') }).load();
    assert.deepEqual(loaded.snapshot, snapshot());
    assert.deepEqual(await readdir(path.join(dir, 'nested')), ['history.json']);
  }));

test('a missing file is no history and no warning', () =>
  withDir(async (dir) => {
    assert.deepEqual(await new HistoryFile({ dir }).load(), {});
  }));

test('a corrupt file is renamed aside with a problem message, and the next save works', () =>
  withDir(async (dir) => {
    await writeFile(path.join(dir, 'history.json'), '{"schemaVersion":1,"endpoints":{"a":');
    const store = new HistoryFile({ dir, wallNow: () => Date.UTC(2026, 10, 22, 15, 1, 2, 3) });
    const result = await store.load();
    assert.equal(result.snapshot, undefined);
    assert.equal(result.problem, 'is not valid JSON');
    assert.equal(result.setAsidePath, path.join(dir, 'history.corrupt-2026-11-22T15-01-02-003Z.json'));
    assert.equal(await readFile(result.setAsidePath!, 'utf8'), '{"schemaVersion":1,"endpoints":{"a":');
    await store.save(snapshot());
    assert.deepEqual((await store.load()).snapshot, snapshot());
  }));

test('valid JSON of the wrong shape or version is set aside too', () =>
  withDir(async (dir) => {
    await writeFile(path.join(dir, 'history.json'), JSON.stringify({ schemaVersion: 99, endpoints: {} }));
    const result = await new HistoryFile({ dir }).load();
    assert.match(result.problem!, /schemaVersion 99 is not 1/);
    assert.ok((await readdir(dir)).some((n) => n.startsWith('history.corrupt-')));
    await writeFile(path.join(dir, 'history.json'), JSON.stringify({ schemaVersion: 1, endpoints: { a: { sessions: 'no' } } }));
    assert.match((await new HistoryFile({ dir }).load()).problem!, /endpoint "a" has no sessions\/drops lists/);
  }));

test('schedule debounces: many calls within the window make one write of the latest snapshot', () =>
  withDir(async (dir) => {
    const store = new HistoryFile({ dir, debounceMs: 50 });
    let calls = 0;
    for (let i = 1; i <= 20; i++) {
      const drops = i;
      store.schedule(() => {
        calls++;
        return snapshot(drops);
      });
    }
    await assert.rejects(readFile(path.join(dir, 'history.json')), { code: 'ENOENT' });
    // Bounded wait for the debounced write (generous: the machine is shared).
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      try {
        await readFile(path.join(dir, 'history.json'));
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    await store.flush();
    assert.equal(calls, 1);
    assert.equal((await store.load()).snapshot!.endpoints.orders!.drops.length, 20);
  }));

test('flush writes a pending save immediately (deactivate)', () =>
  withDir(async (dir) => {
    const store = new HistoryFile({ dir, debounceMs: 60_000 });
    store.schedule(() => snapshot(7));
    await store.flush();
    assert.equal((await store.load()).snapshot!.endpoints.orders!.drops.length, 7);
    store.dispose();
  }));

test('the file is bounded: oldest records are dropped until it fits, newest kept', () =>
  withDir(async (dir) => {
    const big = snapshot(5000);
    const full = JSON.stringify(big).length;
    const store = new HistoryFile({ dir, maxBytes: 50_000 });
    await store.save(big);
    const text = await readFile(store.file, 'utf8');
    assert.ok(full > 50_000 && text.length <= 50_000, `${full} -> ${text.length}`);
    const drops = (JSON.parse(text) as HistorySnapshot).endpoints.orders!.drops;
    assert.ok(drops.length > 0);
    assert.equal(drops.at(-1)!.at, big.endpoints.orders!.drops.at(-1)!.at);
    assert.equal(serializeBounded(snapshot(3), 50_000), JSON.stringify(snapshot(3)));
  }));

test('stale temp files from a crash mid-write are removed at load; fresh ones are left alone', () =>
  withDir(async (dir) => {
    const old = path.join(dir, 'history.json.tmp-1-1');
    const fresh = path.join(dir, 'history.json.tmp-2-1');
    await writeFile(old, '{');
    await writeFile(fresh, '{');
    const past = new Date(Date.now() - 10 * 60_000);
    await utimes(old, past, past);
    await new HistoryFile({ dir }).load();
    assert.deepEqual((await readdir(dir)).sort(), ['history.json.tmp-2-1']);
  }));
