// Rows of the Stream Health view: state icons and colours, the live description, drops and the badge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DropRecord, EndpointStatus, HistorySnapshot } from '../../../../src/core/model.ts';
import { downCount, dropRows, DROPS_SHOWN, endpointContext, endpointDescription, stateIcon } from '../../../../src/extension/tree/model.ts';

const NOW = Date.UTC(2026, 10, 22, 15, 0, 0);

function status(name: string, state: EndpointStatus['state'], extra: Partial<EndpointStatus> = {}): EndpointStatus {
  return { name, kind: 'sse', url: `https://x.example/${name}`, state, attempt: 0, findings: [], heartbeatSeconds: 15, idleTimeoutSeconds: 45, ...extra };
}

function drop(at: number, cause: DropRecord['cause'] = 'eof'): DropRecord {
  return { at, cause, streamAgeMs: 60_000, silenceMs: 60_000, detail: `closed at ${at}` };
}

test('state icons: open passes, stale warns, failed errors, paused is dimmed', () => {
  assert.deepEqual(stateIcon(status('a', 'open')), { id: 'pass', color: 'testing.iconPassed' });
  assert.equal(stateIcon(status('a', 'stale')).id, 'warning');
  assert.deepEqual(stateIcon(status('a', 'failed')), { id: 'error', color: 'list.errorForeground' });
  assert.equal(stateIcon(status('a', 'paused')).id, 'debug-pause');
  assert.equal(stateIcon(status('a', 'backoff', { attempt: 1 })).id, 'sync');
  // Reconnecting after repeated refusals counts as down, like the status bar's red.
  assert.equal(stateIcon(status('a', 'backoff', { attempt: 4, lastError: { cause: 'connect-failed', message: 'ECONNREFUSED', at: NOW } })).id, 'error');
});

test('the description shows the live stream age and the last drop', () => {
  const s = status('a', 'open', { openedAt: NOW - 185_000, lastDrop: drop(NOW - 120_000) });
  assert.equal(endpointDescription(s, NOW), 'open 3 min 05 s · last drop 2 min ago (eof)');
  assert.equal(endpointDescription(status('a', 'paused'), NOW), 'paused');
  assert.equal(endpointContext(status('a', 'paused')), 'endpoint-paused');
});

test('drop rows: newest first, at most DROPS_SHOWN, our own reconnects left out', () => {
  const drops = [...Array.from({ length: 8 }, (_, i) => drop(NOW - (10 - i) * 60_000)), drop(NOW - 1000, 'manual')];
  const history = { schemaVersion: 1, savedAt: '', endpoints: { a: { drops } } } as unknown as HistorySnapshot;
  const rows = dropRows(history, 'a', NOW);
  assert.equal(rows.length, DROPS_SHOWN);
  assert.equal(rows[0]!.label, 'drop: eof');
  assert.match(rows[0]!.description, /^3 min ago, after 60 s, 60 s silent$/);
  assert.deepEqual(dropRows(undefined, 'a', NOW), []);
});

test('the badge counts endpoints down, not paused or reconnecting ones', () => {
  assert.equal(downCount([status('a', 'failed'), status('b', 'open'), status('c', 'paused'), status('d', 'backoff', { attempt: 1 })]), 1);
});
