// CLI rendering: NDJSON is the event unchanged; human lines and the live table carry the key facts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeProbe } from '../../../src/cli/probeIdle.ts';
import { eventLine, fit, ndjson, renderTable, wrap } from '../../../src/cli/render.ts';
import type { StreamEvent } from '../../../src/core/events.ts';
import type { EndpointStatus } from '../../../src/core/model.ts';

const ts = '2026-11-22T12:00:01.000Z';

test('ndjson prints the event exactly, one line', () => {
  const e: StreamEvent = { ts, endpoint: 'a', event: 'drop', cause: 'reset', streamAgeMs: 100_000, silenceMs: 100_000, detail: 'terminated\nline2', httpStatus: 502 };
  const line = ndjson(e);
  assert.ok(!line.includes('\n'));
  assert.deepEqual(JSON.parse(line), e);
});

test('human lines for each event', () => {
  const lines = ([
    { ts, endpoint: 'a', event: 'connecting', attempt: 2 },
    { ts, endpoint: 'a', event: 'open', detail: 'SSE, HTTP/1.1' },
    { ts, endpoint: 'a', event: 'heartbeat', direction: 'out', kind: 'mcp-ping', rttMs: 12 },
    { ts, endpoint: 'a', event: 'stale', silenceMs: 22_500 },
    { ts, endpoint: 'a', event: 'drop', cause: 'grpc-status', streamAgeMs: 2_020, silenceMs: 2_010, detail: 'RST_STREAM', grpcCode: 13 },
    { ts, endpoint: 'a', event: 'error', cause: 'http-status', message: 'HTTP 401', httpStatus: 401 },
    { ts, endpoint: 'a', event: 'backoff', attempt: 3, delayMs: 2300 },
    { ts, endpoint: 'a', event: 'diagnosis', finding: 'flapping', message: 'a is flapping', evidence: 5 },
  ] as StreamEvent[]).map(eventLine);
  assert.deepEqual(lines, [
    '12:00:01 a connecting (attempt 2)',
    '12:00:01 a open: SSE, HTTP/1.1',
    '12:00:01 a heartbeat out mcp-ping 12 ms',
    '12:00:01 a stale: nothing received for 23 s',
    '12:00:01 a DROP grpc-status after 2.02 s (silent 2.01 s) [gRPC status 13]: RST_STREAM',
    '12:00:01 a ERROR http-status (HTTP status 401): HTTP 401',
    '12:00:01 a retry in 2.3 s (attempt 3)',
    '12:00:01 a DIAGNOSIS flapping: a is flapping',
  ]);
});

test('live table: state, route, stream age, last heartbeat, drops, finding', () => {
  const now = Date.UTC(2026, 10, 22, 12, 0, 0);
  const base = { kind: 'sse', url: 'http://x', attempt: 0, heartbeatSeconds: 15, idleTimeoutSeconds: 45 } as const;
  const rows: { status: EndpointStatus; drops: number }[] = [
    { status: { ...base, name: 'orders', state: 'open', openedAt: now - 90_000, lastHeartbeatInAt: now - 3_000, findings: [] }, drops: 0 },
    {
      status: { ...base, name: 'billing', state: 'backoff', nextAttemptAt: now + 4_000, route: 'via proxy http://proxy.corp:3128 (environment (HTTPS_PROXY))', findings: [{ finding: 'intermediary-idle-timeout', message: 'm', fix: 'f', evidence: 3 }] },
      drops: 3,
    },
  ];
  const lines = renderTable(rows, now);
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^ENDPOINT\s+STATE\s+VIA\s+STREAM AGE\s+LAST HEARTBEAT\s+DROPS\s+FINDING$/);
  assert.match(lines[1]!, /^orders\s+open\s+direct\s+90 s\s+in 3 s ago\s+0\s+-$/);
  assert.match(lines[2]!, /^billing\s+backoff 4 s\s+proxy proxy\.corp:3128\s+-\s+none\s+3\s+intermediary-idle-timeout$/);
  assert.ok(renderTable(rows, now, 40).every((l) => l.length <= 40));
});

test('a diagnosis with hops shows the path, outermost first, and marks the named hop', () => {
  const hops = [{ name: 'Varnish', evidence: 'x-varnish' }, { name: 'nginx', evidence: 'Server: nginx/1.22.1' }];
  const line = eventLine({ ts, endpoint: 'a', event: 'diagnosis', finding: 'intermediary-idle-timeout', message: 'cut', evidence: 3, match: 'nginx', hops });
  assert.equal(line, '12:00:01 a DIAGNOSIS intermediary-idle-timeout: cut [path: Varnish (x-varnish) › nginx (Server: nginx/1.22.1) ← cut here]');
  const now = Date.UTC(2026, 10, 22, 12, 0, 0);
  const status: EndpointStatus = {
    kind: 'sse', url: 'http://x', attempt: 0, heartbeatSeconds: 15, idleTimeoutSeconds: 45, name: 'b', state: 'open',
    findings: [{ finding: 'intermediary-idle-timeout', message: 'm', fix: 'f', evidence: 3, match: 'nginx', hops }],
  };
  assert.match(renderTable([{ status, drops: 3 }], now)[1]!, /intermediary-idle-timeout \(nginx\)$/);
  const probe = describeProbe({
    survived: false, silenceMs: 2_010, streamAgeMs: 2_010, cause: 'reset', detail: 'terminated', openDetail: 'SSE', serverHeartbeats: { count: 0 },
    recommendedHeartbeatMs: 600, hops: [{ name: 'Caddy', evidence: 'Server: Caddy' }], end: 'truncated',
  }, 10_000, 'Caddy', undefined, 'by Caddy (evidence: Server: Caddy; high confidence)');
  assert.ok(probe.includes('path: Caddy (Server: Caddy) ← cut here'));
  assert.ok(probe.includes('cut by Caddy (evidence: Server: Caddy; high confidence)'));
});

test('fit and wrap keep lines within the width', () => {
  assert.equal(fit('abcdef', 4), 'abc…');
  const wrapped = wrap('one two three four five six seven', 10, '  ');
  assert.ok(wrapped.every((l) => l.length <= 10));
  assert.equal(wrapped.join(' ').replace(/\s+/g, ' '), 'one two three four five six seven');
  assert.deepEqual(wrap('  fix: do this now', 9, '    '), ['  fix: do', '    this', '    now']);
});

test('probe-idle summary: cut after a silence, with match and recommendation; or survived', () => {
  const cut = describeProbe({ survived: false, silenceMs: 60_100, streamAgeMs: 61_000, cause: 'reset', detail: 'terminated', openDetail: 'SSE, HTTP/1.1', serverHeartbeats: { count: 0 }, recommendedHeartbeatMs: 20_000 }, 400_000, 'nginx');
  assert.deepEqual(cut, [
    'opened: SSE, HTTP/1.1',
    'cut after 60 s of silence (stream age 61 s, cause reset: terminated)',
    'server heartbeats: none',
    'this matches the documented default idle timeout of nginx',
    'recommendation: put a heartbeat on the stream at least every 20 s (server side), and set "heartbeatSeconds"/"idleTimeoutSeconds" to match',
  ]);
  const endpoint = { name: 'feed', kind: 'websocket' as const, url: 'wss://h/socket', heartbeatSeconds: 0, idleTimeoutSeconds: 0 };
  const withFix = describeProbe({ survived: false, silenceMs: 60_100, streamAgeMs: 61_000, cause: 'reset', detail: 'terminated', openDetail: 'x', serverHeartbeats: { count: 0 }, recommendedHeartbeatMs: 20_000 }, 400_000, 'nginx', endpoint);
  assert.deepEqual(withFix.slice(cut.length), [
    '  server: wsHeartbeat(wss, { intervalMs: 20_000 }) on the WebSocketServer (src/serverKeepalive)',
    '  nginx: proxy_read_timeout 300s; proxy_send_timeout 300s;',
    '  client: "heartbeatSeconds": 20, "idleTimeoutSeconds": 60',
  ], 'a measured cut gets the concrete fix for the kind and the matched proxy');
  const survived = describeProbe({ survived: true, silenceMs: 15_000, streamAgeMs: 30_000, detail: '', openDetail: 'x', serverHeartbeats: { count: 2, medianIntervalMs: 15_000, kind: 'sse-comment' } }, 30_000);
  assert.match(survived[1]!, /survived: the stream was still open after 30 s/);
  assert.match(survived[2]!, /server heartbeats: 2 \(sse-comment, every ~15 s\)/);
  assert.match(survived[3]!, /kept the path busy/);
});
