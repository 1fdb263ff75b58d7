// keepalive-mismatch from recorded per-POST evidence (figures from real runs through HAProxy 2.6 and
// nginx 1.22 against a 300 ms Node keep-alive), its guards, the history that keeps the evidence, and
// the Monitor path from a transport's sink.post() to the diagnosis event, on fake time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose } from '../../../src/core/diagnosis.ts';
import { EndpointHistoryStore, HISTORY_LIMITS } from '../../../src/core/history.ts';
import { isKeepaliveFailure, keepaliveMismatch, recommendedServerKeepaliveMs } from '../../../src/core/keepaliveMismatch.ts';
import type { PostRecord, PostSample } from '../../../src/core/keepaliveMismatch.ts';
import type { EndpointHistory } from '../../../src/core/model.ts';
import { keepaliveSnippetIn, keepaliveSnippets } from '../../../src/shared/fixes/index.ts';
import { endpoint } from '../../support/endpoint.ts';
import { flush } from '../../support/fakeClock.ts';
import { harness } from '../../support/harness.ts';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const SINCE = NOW - 24 * 3600_000;
const config = endpoint({ name: 'orders-mcp', kind: 'mcp', url: 'https://example.com/mcp' });
const NGINX = [{ name: 'nginx', evidence: 'Server: nginx/1.22.1' }];

let clock = NOW - 60_000;
function post(gapMs: number | undefined, outcome: Partial<PostSample> = { status: 200 }, extra: Partial<PostRecord> = {}): PostRecord {
  clock += 300;
  return { at: clock, what: 'ping', ...(gapMs !== undefined ? { gapMs } : {}), ...outcome, ...extra };
}

/** The nginx run: pings at the heartbeat's jitter slots, two 502s at 298 ms. */
function nginxRun(): PostRecord[] {
  return [
    post(undefined, { status: 400 }, { what: 'request' }), post(1), post(2),
    post(268), post(283), post(298, { status: 502 }, { hops: NGINX }), post(1), post(313), post(328), post(268), post(283),
    post(298, { status: 502 }, { hops: NGINX }), post(283), post(268),
  ];
}

test('two 502s at a 298 ms gap with shorter gaps answered: keepalive-mismatch, ~298 ms, nginx named, fixes per server', () => {
  const f = keepaliveMismatch(nginxRun(), config, SINCE, NOW);
  assert.ok(f);
  assert.equal(f.finding, 'keepalive-mismatch');
  assert.equal(f.estimateMs, 298);
  assert.equal(f.spreadMs, 0);
  assert.equal(f.evidence, 2);
  assert.equal(f.match, 'nginx');
  assert.deepEqual(f.hops, NGINX);
  assert.equal(f.message, 'orders-mcp: 2 MCP POSTs failed (HTTP 502) after quiet gaps of 298 ms, while 6 after shorter gaps succeeded: '
    + 'the server closes idle keep-alive connections after about 298 ms and nginx (Server: nginx/1.22.1) reused connections the server had just closed: a keep-alive mismatch between hops');
  // nginx keeps idle upstream connections 60 s by default: the server must outlast that.
  assert.match(f.fix, /Node server\.keepAliveTimeout = 65000 and server\.headersTimeout = 66000/);
  assert.match(f.fix, /Go http\.Server\{IdleTimeout: 65 \* time\.Second\}/);
  assert.match(f.fix, /uvicorn --timeout-keep-alive 65/);
  assert.match(f.fix, /nginx: keepalive_timeout in the upstream block .*default 60 s/);
});

test('socket-closed failures with no hop named (HAProxy closes the client connection): found, the proxy side in general terms', () => {
  const posts = [post(268), post(283), post(296, { failure: 'closed' }), post(313), post(283), post(296, { failure: 'closed' }, { what: 'confirm' }), post(148, { status: 200 }, { what: 'confirm' })];
  const f = keepaliveMismatch(posts, config, SINCE, NOW);
  assert.ok(f);
  assert.equal(f.estimateMs, 296);
  assert.equal(f.match, undefined);
  assert.match(f.message, /failed \(socket closed\)/);
  assert.match(f.message, /the proxy in front \(or the client, if nothing is in between\)/);
  assert.match(f.fix, /HAProxy: http-reuse/);
  assert.match(f.fix, /AWS ALB: the target keep-alive must exceed the ALB idle timeout/);
});

test('the spread of the failing gaps is stated', () => {
  const posts = [post(2_500), post(4_000), post(5_990, { failure: 'reset' }), post(3_000), post(6_010, { status: 502 }), post(6_001, { failure: 'reset' })];
  const f = keepaliveMismatch(posts, config, SINCE, NOW);
  assert.equal(f?.estimateMs, 6_001);
  assert.equal(f?.spreadMs, 20);
  assert.match(f!.message, /after quiet gaps of 5\.99 s-6\.01 s \(spread 20 ms\)/);
  assert.match(f!.message, /\(HTTP 502, connection reset\)/);
});

test('no finding: one failure, scattered failures, failures at shorter gaps too, no shorter successes, timeouts, old evidence', () => {
  const shorter = [post(150), post(200)];
  const none = (posts: PostRecord[], why: string) => assert.equal(keepaliveMismatch(posts, config, SINCE, NOW), undefined, why);
  none([...shorter, post(300, { status: 502 })], 'one failure');
  none([...shorter, post(300, { status: 502 }), post(900, { status: 502 })], 'two failures at unrelated gaps');
  none([...shorter, post(300, { status: 502 }), post(300, { status: 502 }), post(200, { status: 502 })], 'a shorter gap failed too: not the gap');
  none([post(300, { status: 502 }), post(300, { status: 502 }), post(400)], 'nothing shorter succeeded');
  none([post(10), post(20), post(300, { status: 502 }), post(300, { status: 502 })], 'near-zero gaps prove nothing about idle connections');
  none([...shorter, post(300, { failure: 'timeout' }), post(300, { failure: 'timeout' })], 'timeouts are not a closed connection');
  none([...shorter, post(300, { status: 500 }), post(300, { status: 500 })], 'a 500 is the server answering');
  none([...shorter, post(300, { status: 502 }, { at: SINCE - 1 }), post(300, { status: 502 }, { at: SINCE - 2 })], 'older than the lookback');
});

test('a lagged shorter failure among many answered shorter gaps does not hide the cluster; a common one does', () => {
  const shorter = Array.from({ length: 20 }, (_, i) => post(150 + i * 5));
  const f = keepaliveMismatch([...shorter, post(236, { failure: 'closed' }), post(297, { failure: 'closed' }), post(299, { failure: 'closed' }), post(298)], config, SINCE, NOW);
  assert.equal(f?.estimateMs, 298);
  assert.match(f!.message, /while 20 after shorter gaps succeeded \(1 failed\)/);
  // Shorter gaps failing 6 times in 26 against 2 in 4 at the cluster: the gap is not what fails them.
  const failingToo = [75, 110, 145, 180, 215, 250].map((gapMs) => post(gapMs, { status: 502 }));
  const cluster = [post(297, { status: 502 }), post(299, { status: 502 }), post(298), post(298)];
  assert.equal(keepaliveMismatch([...shorter, ...failingToo, ...cluster], config, SINCE, NOW), undefined);
});

test('isKeepaliveFailure: 502/503/504, reset and closed; not timeouts, 500 or answers', () => {
  const cases: [PostSample, boolean][] = [
    [{ what: 'ping', status: 502 }, true], [{ what: 'ping', status: 503 }, true], [{ what: 'ping', status: 504 }, true],
    [{ what: 'ping', failure: 'reset' }, true], [{ what: 'ping', failure: 'closed' }, true],
    [{ what: 'ping', failure: 'timeout' }, false], [{ what: 'ping', failure: 'error' }, false], [{ what: 'ping', status: 500 }, false], [{ what: 'ping', status: 200 }, false],
  ];
  for (const [sample, expected] of cases) assert.equal(isKeepaliveFailure(sample), expected, JSON.stringify(sample));
});

test('recommended server keep-alive outlasts the proxy upstream keep-alive (60 s when unknown), in whole seconds', () => {
  assert.equal(recommendedServerKeepaliveMs(undefined, 300), 65_000);
  assert.equal(recommendedServerKeepaliveMs(5_000, 4_000), 10_000);
  assert.equal(recommendedServerKeepaliveMs(60_000, 90_000), 180_000);
});

test('diagnose() reads history.posts; snippets for the finding in TypeScript, Go, Python and the named proxy', () => {
  const h: EndpointHistory = {
    sessions: [], drops: [], errors: [], heartbeatTimes: { in: [], out: [] },
    heartbeats: { in: { direction: 'in', count: 1 }, out: { direction: 'out', count: 0 } }, connects: [], maxSilenceMs: 0, warnings: 0,
    posts: nginxRun(),
  };
  const findings = diagnose(h, config, NOW);
  assert.deepEqual(findings.map((f) => f.finding), ['keepalive-mismatch']);
  const snippets = keepaliveSnippets(findings[0]!);
  assert.deepEqual(snippets.map((s) => s.language), ['typescript', 'nginx']);
  assert.match(snippets[0]!.code, /server\.keepAliveTimeout = 65000;\nserver\.headersTimeout = 66000;/);
  assert.match(snippets[1]!.code, /keepalive_timeout 1s;/);
  const f = findings[0]!;
  assert.match(keepaliveSnippetIn('go', f).code, /IdleTimeout: 65 \* time\.Second/);
  assert.match(keepaliveSnippetIn('python', f).code, /timeout_keep_alive=65/);
  assert.match(keepaliveSnippetIn('java', f).code, /"keepAliveTimeout", "65000"/);
  assert.match(keepaliveSnippetIn('rust', f).code, /longer than 65 s/);
});

test('history keeps POST outcomes bounded, restores them and skips malformed ones', () => {
  const store = new EndpointHistoryStore();
  assert.equal(store.recordPost(post(300)), false, 'no failure yet: nothing to diagnose');
  assert.equal(store.recordPost(post(300, { status: 502 })), true);
  for (let i = 0; i < HISTORY_LIMITS.posts; i++) store.recordPost(post(100));
  assert.equal(store.toJSON().posts!.length, HISTORY_LIMITS.posts);
  assert.equal(store.recordPost(post(100)), false, 'the failure was evicted');
  const problems: string[] = [];
  const raw = { posts: [post(298, { status: 502 }, { hops: NGINX }), { at: 1, what: 'ping', status: 200, failure: 'reset' }, { at: 2, what: 'nope', status: 200 }, post(5)] };
  const restored = EndpointHistoryStore.fromJSON(raw, 'h', problems)!;
  assert.deepEqual(restored.toJSON().posts!.map((p) => p.gapMs), [298, 5]);
  assert.deepEqual(problems, ['h.posts: 2 malformed entries ignored']);
});

test('Monitor: a transport that reports POST outcomes gets a keepalive-mismatch diagnosis event with the spread', async () => {
  const h = harness();
  h.fake.onConnect = (conn) => queueMicrotask(() => conn.open());
  await h.start(endpoint({ name: 'a', kind: 'mcp', heartbeatSeconds: 0, idleTimeoutSeconds: 0 }));
  const sink = h.fake.last.context.sink;
  for (const gapMs of [268, 283, 313]) sink.post?.({ what: 'ping', gapMs, status: 200 });
  sink.post?.({ what: 'ping', gapMs: 299, status: 502 });
  assert.equal(h.of('diagnosis').length, 0, 'one failure is not a finding');
  sink.post?.({ what: 'confirm', gapMs: 297, failure: 'closed' });
  await flush();
  const events = h.of('diagnosis');
  assert.deepEqual(events.map((e) => [e.finding, e.evidence, e.estimateMs, e.spreadMs]), [['keepalive-mismatch', 2, 298, 2]]);
  const posts = h.monitor.history().endpoints.a!.posts!;
  assert.deepEqual(posts.map((p) => p.gapMs), [268, 283, 313, 299, 297]);
  h.monitor.dispose();
});
