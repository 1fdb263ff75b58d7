// The live text of an endpoint card: ages, countdowns, cadence, drop counts, detail and liveness.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cardText } from '../../../src/webview/cardText.ts';
import type { Lane } from '../../../src/webview/laneStore.ts';
import { drop, NOW, status } from './fixtures.ts';

function lane(overrides: Partial<Lane> = {}): Lane {
  return { sessions: [], drops: [], errors: [], heartbeatsIn: [], heartbeatsOut: [], ...overrides };
}

test('an open stream shows its age, activity, detail, liveness and observed cadences', () => {
  const text = cardText(
    status({ name: 'a', kind: 'mcp', openedAt: NOW - 65_000, lastInboundAt: NOW - 2000, openDetail: 'MCP 2025-11-25, GET stream', lastProbeOkAt: NOW - 4000, lastProbeRttMs: 12 }),
    lane({ heartbeatsIn: [NOW - 45_000, NOW - 30_000, NOW - 15_000], heartbeatsOut: [NOW - 20_000, NOW - 5_000] }),
    NOW,
  );
  assert.equal(text.age, '65 s');
  assert.equal(text.lastActivity, '2 s ago');
  assert.equal(text.lastHeartbeat, 'in 15 s ago · out 5 s ago');
  assert.equal(text.cadence, 'server ~15 s · client 15 s (~15 s)');
  assert.equal(text.detail, 'MCP 2025-11-25, GET stream');
  assert.equal(text.liveness, 'answered 4 s ago (12 ms)');
  assert.equal(text.reconnect, '');
  assert.equal(text.lastDrop, 'none');
});

test('a reconnecting stream shows the attempt and a countdown, the last drop and no age', () => {
  const text = cardText(
    status({ name: 'b', kind: 'grpc', state: 'backoff', attempt: 4, openedAt: undefined, nextAttemptAt: NOW + 7_500, lastDrop: drop(NOW - 3000, { cause: 'http-status', httpStatus: 504, streamAgeMs: 100_000, silenceMs: 100_000 }) }),
    lane({ drops: [drop(NOW - 3000), drop(NOW - 30 * 60_000, { cause: 'manual' }), drop(NOW - 5 * 3_600_000)] }),
    NOW,
  );
  assert.equal(text.age, 'not connected');
  assert.equal(text.reconnect, 'attempt 4, next in 8 s');
  assert.equal(text.lastDrop, 'HTTP status 504 after 100 s (silent 100 s), 3 s ago');
  assert.equal(text.drops, '1 drop in 1 h · 2 in 24 h');
  assert.equal(text.detail, '');
  assert.equal(text.cadence, 'server none seen · client 15 s');
});

test('a failed endpoint explains why; without a reason the last error is shown', () => {
  assert.equal(cardText(status({ name: 'c', state: 'failed', reason: 'HTTP 401: check the header secret' }), undefined, NOW).note, 'HTTP 401: check the header secret');
  const withError = status({ name: 'd', state: 'backoff', lastError: { cause: 'connect-failed', message: 'ECONNREFUSED 127.0.0.1:9', at: NOW - 1000 } });
  assert.equal(cardText(withError, undefined, NOW).note, 'Last error: ECONNREFUSED 127.0.0.1:9');
  assert.equal(cardText(status({ name: 'e', kind: 'websocket', heartbeatSeconds: 0 }), undefined, NOW).cadence, 'server none seen · client off');
});

test('plain SSE says it has no client heartbeat, whatever heartbeatSeconds is', () => {
  // heartbeatSeconds sends nothing on plain SSE (no channel back); "client 15 s" would be a false claim.
  assert.equal(cardText(status({ name: 's', kind: 'sse', heartbeatSeconds: 15 }), undefined, NOW).cadence, 'server none seen · client none (SSE)');
});
