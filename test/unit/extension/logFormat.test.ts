// Log lines: one structured line per event, with the level the output channel uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEvent } from '../../../src/extension/logFormat.ts';

const ts = '2026-11-22T15:00:00.000Z';

test('drop lines carry cause, stream age, silence and status codes', () => {
  const line = formatEvent({ ts, endpoint: 'orders', event: 'drop', cause: 'reset', streamAgeMs: 61_234, silenceMs: 60_010, detail: 'socket terminated', httpStatus: undefined });
  assert.equal(line.level, 'warn');
  assert.equal(line.text, '[orders] drop cause=reset age=61s silence=60s detail="socket terminated"');
  const ws = formatEvent({ ts, endpoint: 'w', event: 'drop', cause: 'ws-close', streamAgeMs: 500, silenceMs: 20, detail: '', wsCloseCode: 1006 });
  assert.equal(ws.text, '[w] drop cause=ws-close age=500ms silence=20ms wsClose=1006');
});

test('a manual drop is info, not a warning', () => {
  assert.equal(formatEvent({ ts, endpoint: 'a', event: 'drop', cause: 'manual', streamAgeMs: 1, silenceMs: 1, detail: 'user reconnect' }).level, 'info');
});

test('open, backoff, error and diagnosis lines', () => {
  assert.deepEqual(formatEvent({ ts, endpoint: 'a', event: 'open', detail: 'MCP 2025-11-25, HTTP/1.1' }), { level: 'info', text: '[a] open detail="MCP 2025-11-25, HTTP/1.1"' });
  assert.deepEqual(formatEvent({ ts, endpoint: 'a', event: 'backoff', attempt: 3, delayMs: 4200 }), { level: 'info', text: '[a] backoff attempt=3 delay=4.2s' });
  assert.deepEqual(formatEvent({ ts, endpoint: 'a', event: 'error', cause: 'http-status', httpStatus: 502, message: 'Bad Gateway' }), { level: 'error', text: '[a] error cause=http-status http=502 message="Bad Gateway"' });
  const d = formatEvent({ ts, endpoint: 'a', event: 'diagnosis', finding: 'intermediary-idle-timeout', message: 'Streams die after 60 s of silence', evidence: 4, estimateMs: 60_000, recommendedHeartbeatMs: 20_000, match: 'nginx' });
  assert.equal(d.level, 'warn');
  assert.equal(d.text, '[a] diagnosis finding=intermediary-idle-timeout evidence=4 estimate=60s recommendedHeartbeat=20s match=nginx message="Streams die after 60 s of silence"');
});

test('chatty events go to trace/debug so the default log level stays readable', () => {
  assert.equal(formatEvent({ ts, endpoint: 'a', event: 'heartbeat', direction: 'in', kind: 'sse-comment' }).level, 'trace');
  assert.equal(formatEvent({ ts, endpoint: 'a', event: 'heartbeat', direction: 'out', kind: 'mcp-ping', rttMs: 12 }).text, '[a] heartbeat direction=out kind=mcp-ping rtt=12ms');
  assert.equal(formatEvent({ ts, endpoint: 'a', event: 'message', bytes: 10 }).level, 'trace');
  assert.equal(formatEvent({ ts, endpoint: 'a', event: 'connecting', attempt: 1 }).level, 'debug');
  assert.deepEqual(formatEvent({ ts, endpoint: 'a', event: 'stale', silenceMs: 25_000 }), { level: 'warn', text: '[a] stale silence=25s' });
  assert.deepEqual(formatEvent({ ts, endpoint: 'a', event: 'paused' }), { level: 'info', text: '[a] paused' });
});

test('values with quotes or equals signs stay one parseable token', () => {
  const line = formatEvent({ ts, endpoint: 'a', event: 'error', cause: 'config', message: 'bad "x=1"' });
  assert.equal(line.text, '[a] error cause=config message="bad \\"x=1\\""');
});
