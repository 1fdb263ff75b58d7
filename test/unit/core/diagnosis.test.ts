// Diagnosis from synthetic histories: each finding, its estimate, match and fix; no false findings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose, largestCluster, recommendHeartbeatMs } from '../../../src/core/diagnosis.ts';
import { matchIntermediaries } from '../../../src/core/intermediaries.ts';
import type { DropRecord, EndpointHistory, ErrorRecord, SessionRecord } from '../../../src/core/model.ts';
import { endpoint } from '../../support/endpoint.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

function history(parts: Partial<EndpointHistory> = {}): EndpointHistory {
  const stats = (direction: 'in' | 'out') => ({ direction, count: 0 });
  return {
    sessions: [], drops: [], errors: [], heartbeatTimes: { in: [], out: [] },
    heartbeats: { in: { ...stats('in'), count: 1 }, out: stats('out') }, connects: [], maxSilenceMs: 0, warnings: 0,
    ...parts,
  };
}

function drop(minutesAgo: number, silenceMs: number, streamAgeMs = silenceMs, extra: Partial<DropRecord> = {}): DropRecord {
  return { at: NOW - minutesAgo * 60_000, cause: 'reset', streamAgeMs, silenceMs, detail: 'terminated', ...extra };
}

const config = endpoint({ name: 'orders-mcp', kind: 'mcp', url: 'https://example.com/mcp' });

test('three drops at 100 s +-1 s of silence: intermediary idle timeout, ~100 s, Cloudflare, heartbeat <= 33 s', () => {
  const h = history({ drops: [drop(30, 99_000), drop(20, 100_000), drop(10, 101_000)] });
  const findings = diagnose(h, config, NOW);
  assert.deepEqual(findings.map((f) => f.finding), ['intermediary-idle-timeout']);
  const f = findings[0]!;
  assert.equal(f.estimateMs, 100_000);
  assert.equal(f.match, 'Cloudflare');
  assert.equal(f.recommendedHeartbeatMs, 30_000);
  assert.ok(f.recommendedHeartbeatMs! <= 33_000);
  assert.equal(f.evidence, 3);
  assert.equal(f.message, 'streams to orders-mcp die after 100 s of silence: an intermediary idle timeout, likely Cloudflare (its default is 100 s; no response named a hop, so by timing alone: low confidence); send a heartbeat every 30 s');
  assert.match(f.fix, /Server side: .*every 30 s/);
  assert.match(f.fix, /Cloudflare/);
});

test('a 60 s cluster matches nginx and mentions the other 60 s defaults', () => {
  const h = history({ drops: [drop(3, 60_020), drop(2, 60_010), drop(1, 60_030), drop(4, 5_000)] });
  const [f] = diagnose(h, config, NOW);
  assert.equal(f?.finding, 'intermediary-idle-timeout');
  assert.equal(f?.match, 'nginx');
  assert.match(f!.message, /also fits AWS ALB, Fly.io, Kong, Varnish, Apache httpd, Heroku\)/);
  assert.equal(f?.recommendedHeartbeatMs, 20_000);
});

test('a 2 s proxy gives a 600 ms heartbeat and no match', () => {
  const h = history({ drops: [drop(3, 2_010), drop(2, 2_030), drop(1, 2_020)] });
  const [f] = diagnose(h, config, NOW);
  assert.equal(f?.estimateMs, 2_020);
  assert.equal(f?.recommendedHeartbeatMs, 600);
  assert.equal(f?.match, undefined);
});

test('answered client pings with idle drops: says pings on a separate request do not keep the stream alive', () => {
  const h = history({
    drops: [drop(3, 2_010), drop(2, 2_030), drop(1, 2_020)],
    heartbeats: { in: { direction: 'in', count: 0 }, out: { direction: 'out', count: 12, medianRttMs: 3 } },
  });
  const [f] = diagnose(h, config, NOW);
  assert.match(f!.message, /Client pings on a separate request were answered while the stream still dropped: they do not keep the stream alive/);
});

test('watchdog, manual and http-status drops and sub-500 ms silences do not count as idle timeouts', () => {
  const h = history({
    drops: [
      drop(5, 100_000, 100_000, { cause: 'watchdog', peerAlive: true }),
      drop(4, 100_000, 100_000, { cause: 'manual' }),
      drop(3, 100_000, 100_000, { cause: 'http-status', httpStatus: 500 }),
      drop(2, 100, 30_000), drop(1, 120, 50_000), drop(0, 110, 70_000),
    ],
  });
  assert.ok(!diagnose(h, config, NOW).some((f) => f.finding === 'intermediary-idle-timeout'));
});

test('drops at a fixed stream age with varying silence: stream lifetime limit', () => {
  const h = history({ drops: [drop(40, 1_000, 600_000), drop(30, 12_000, 600_500), drop(20, 40_000, 599_800), drop(10, 3_000, 600_100)] });
  const findings = diagnose(h, config, NOW);
  assert.deepEqual(findings.map((f) => f.finding), ['stream-lifetime-limit']);
  assert.equal(findings[0]!.estimateMs, 600_050);
  assert.match(findings[0]!.message, /end after 10 min whatever the traffic/);
  assert.match(findings[0]!.fix, /Heartbeats will not help/);
});

test('a busy stream cut at a fixed age (tiny silences) is a stream lifetime limit too', () => {
  const h = history({ drops: [drop(30, 40, 300_000), drop(20, 120, 300_100), drop(10, 80, 299_900)] });
  assert.deepEqual(diagnose(h, config, NOW).map((f) => f.finding), ['stream-lifetime-limit']);
});

test('a silent server cut by a proxy (age == silence) is an idle timeout, not a lifetime limit', () => {
  const h = history({ drops: [drop(30, 60_000, 60_000), drop(20, 60_050, 60_050), drop(10, 59_980, 59_980)] });
  assert.deepEqual(diagnose(h, config, NOW).map((f) => f.finding), ['intermediary-idle-timeout']);
});

test('watchdog drops without a live peer: silent dead connection', () => {
  const h = history({ drops: [drop(2, 45_000, 300_000, { cause: 'watchdog' }), drop(1, 45_000, 90_000, { cause: 'watchdog' })] });
  const findings = diagnose(h, endpoint({ idleTimeoutSeconds: 45 }), NOW);
  const f = findings.find((x) => x.finding === 'silent-dead-connection');
  assert.equal(f?.evidence, 2);
  assert.match(f!.message, /without FIN or RST/);
});

test('watchdog drops while the peer answered probes: no server heartbeat, not silent death', () => {
  const h = history({ drops: [drop(1, 45_000, 45_000, { cause: 'watchdog', peerAlive: true })] });
  const kinds = diagnose(h, endpoint({ idleTimeoutSeconds: 45 }), NOW).map((f) => f.finding);
  assert.deepEqual(kinds, ['no-server-heartbeat']);
});

test('long silences with no server heartbeat ever: no-server-heartbeat with a cadence', () => {
  const h = history({ heartbeats: { in: { direction: 'in', count: 0 }, out: { direction: 'out', count: 0 } }, maxSilenceMs: 30_000 });
  const [f] = diagnose(h, endpoint({ kind: 'sse', idleTimeoutSeconds: 45 }), NOW);
  assert.equal(f?.finding, 'no-server-heartbeat');
  assert.equal(f?.recommendedHeartbeatMs, 15_000);
  assert.match(f!.fix, /SSE comment line/);
  // With server heartbeats seen, the same silence is not this finding.
  assert.deepEqual(diagnose(history({ maxSilenceMs: 30_000 }), endpoint({ idleTimeoutSeconds: 45 }), NOW), []);
});

test('502/504/524 or an HTML error page: gateway timeout', () => {
  const errors: ErrorRecord[] = [
    { at: NOW - 60_000, cause: 'http-status', message: 'HTTP 524', httpStatus: 524, htmlErrorPage: true },
    { at: NOW - 30_000, cause: 'http-status', message: 'HTTP 502', httpStatus: 502 },
  ];
  const [f] = diagnose(history({ errors }), config, NOW);
  assert.equal(f?.finding, 'gateway-timeout');
  assert.equal(f?.evidence, 2);
  assert.match(f!.message, /HTTP 502\/524/);
  assert.match(f!.fix, /Cloudflare/);
  assert.deepEqual(diagnose(history({ errors: [{ at: NOW, cause: 'http-status', message: 'HTTP 500', httpStatus: 500 }] }), config, NOW), []);
  // An HTML page from a failing upstream (500 with HTML) is a gateway page; a 200 HTML page is a wrong URL or a login page.
  const [html500] = diagnose(history({ errors: [{ at: NOW, cause: 'http-status', message: 'HTTP 500', httpStatus: 500, htmlErrorPage: true }] }), config, NOW);
  assert.equal(html500?.finding, 'gateway-timeout');
  assert.deepEqual(diagnose(history({ errors: [{ at: NOW, cause: 'http-status', message: 'HTTP 200 text/html', httpStatus: 200, htmlErrorPage: true }] }), config, NOW), []);
});

test('a burst of reconnects with short sessions: flapping', () => {
  const connects = [50, 40, 30, 20, 10, 5].map((s) => NOW - s * 1000);
  const sessions: SessionRecord[] = connects.map((t) => ({ openedAt: t + 100, endedAt: t + 600, ageMs: 500, cause: 'reset', detail: '' }));
  const [f] = diagnose(history({ connects, sessions }), endpoint({ idleTimeoutSeconds: 45 }), NOW);
  assert.equal(f?.finding, 'flapping');
  assert.equal(f?.evidence, 6);
  // The same sessions spread over an hour are not flapping.
  const spread = sessions.map((s, i) => ({ ...s, openedAt: NOW - i * 15 * 60_000 }));
  assert.deepEqual(diagnose(history({ connects, sessions: spread }), config, NOW), []);
  // Connects that never open (a host refusing connections) are errors, not flapping.
  assert.deepEqual(diagnose(history({ connects }), config, NOW), []);
  // A session that lived longer than the window in that period means it is not flapping.
  const healthy = [...sessions, { openedAt: NOW - 200_000, endedAt: NOW - 100_000, ageMs: 100_000, detail: '' }];
  assert.deepEqual(diagnose(history({ connects, sessions: healthy }), endpoint({ idleTimeoutSeconds: 45 }), NOW), []);
});

test('reconnect churn explained by an idle timeout is reported as that, not as flapping', () => {
  const connects = [50, 40, 30, 20, 10, 5].map((s) => NOW - s * 1000);
  const sessions: SessionRecord[] = connects.map((t) => ({ openedAt: t + 100, endedAt: t + 2_100, ageMs: 2_000, cause: 'reset', detail: '' }));
  const drops = connects.map((t) => ({ ...drop(0, 2_000), at: t + 2_100 }));
  const findings = diagnose(history({ connects, sessions, drops }), endpoint({ idleTimeoutSeconds: 45 }), NOW);
  assert.deepEqual(findings.map((f) => f.finding), ['intermediary-idle-timeout']);
});

test('scattered drops give no finding', () => {
  const h = history({ drops: [drop(50, 3_000, 40_000), drop(40, 17_000, 400_000), drop(30, 55_000, 90_000), drop(20, 1_200, 7_000), drop(10, 31_000, 250_000)] });
  assert.deepEqual(diagnose(h, config, NOW), []);
});

test('old drops outside the lookback are ignored, and diagnosis is deterministic', () => {
  const h = history({ drops: [drop(3000, 100_000), drop(2000, 100_000), drop(1500, 100_000)] });
  assert.deepEqual(diagnose(h, config, NOW), []);
  const recent = history({ drops: [drop(3, 99_500), drop(2, 100_000), drop(1, 100_400)] });
  assert.deepEqual(diagnose(recent, config, NOW), diagnose(recent, config, NOW));
});

test('recommendHeartbeatMs picks the largest nice value <= estimate/3', () => {
  assert.equal(recommendHeartbeatMs(100_000), 30_000);
  assert.equal(recommendHeartbeatMs(60_000), 20_000);
  assert.equal(recommendHeartbeatMs(55_000), 15_000);
  assert.equal(recommendHeartbeatMs(300_000), 90_000);
  assert.equal(recommendHeartbeatMs(2_000), 600);
  assert.equal(recommendHeartbeatMs(1_000), 300);
  assert.equal(recommendHeartbeatMs(100), 100);
});

test('largestCluster uses max(10 % of median, 200 ms) as tolerance', () => {
  assert.deepEqual(largestCluster([1000, 1150, 1200, 5000]).sort(), [0, 1, 2]);
  assert.deepEqual(largestCluster([1000, 1250, 1500]).length, 1);
  assert.deepEqual(largestCluster([100_000, 104_000, 95_000]).length, 3);
  assert.deepEqual(largestCluster([]), []);
});

test('intermediary table matches within 10 %, closest first', () => {
  assert.deepEqual(matchIntermediaries(100_000).map((m) => m.name), ['Cloudflare']);
  assert.deepEqual(matchIntermediaries(57_000).map((m) => m.name), ['Heroku', 'nginx', 'AWS ALB', 'Fly.io', 'Kong', 'Varnish', 'Apache httpd']);
  assert.deepEqual(matchIntermediaries(2_000), []);
  assert.deepEqual(matchIntermediaries(340_000).map((m) => m.name), ['AWS NLB']);
});

// ---- naming the killer from evidence ------------------------------------------------------------

const caddy = [{ name: 'Caddy', evidence: 'Server: Caddy' }];

test('a 2 s Caddy is still Caddy: evidence names the hop whatever its timeout, with the evidence and confidence', () => {
  const h = history({ drops: [drop(3, 2_010, 2_010, { hops: caddy, end: 'clean', cause: 'eof' }), drop(2, 2_030, 2_030, { hops: caddy, end: 'clean', cause: 'eof' }), drop(1, 2_020, 2_020, { hops: caddy, end: 'clean', cause: 'eof' })] });
  const [f] = diagnose(h, config, NOW);
  assert.equal(f?.finding, 'intermediary-idle-timeout');
  assert.equal(f?.match, 'Caddy');
  assert.deepEqual(f?.hops, caddy);
  assert.match(f!.message, /by Caddy \(evidence: Server: Caddy; it has no default limit, so it was configured; the close \(clean\) is how it ends streams; high confidence\)/);
  const medium = diagnose(history({ drops: [2_010, 2_030, 2_020].map((s, i) => drop(3 - i, s, s, { hops: caddy })) }), config, NOW)[0]!;
  assert.match(medium.message, /by Caddy \(evidence: Server: Caddy; it has no default limit, so it was configured; medium confidence\)/);
  assert.match(f!.fix, /Caddy reverse_proxy transport http \{ read_timeout \}/);
});

test('evidence outranks the timeout table: a 60 s cut through Varnish is Varnish, not nginx', () => {
  const hops = [{ name: 'Varnish', evidence: 'x-varnish' }];
  const h = history({ drops: [drop(3, 60_020, 60_020, { hops }), drop(2, 60_010, 60_010, { hops }), drop(1, 60_030, 60_030, { hops })] });
  const [f] = diagnose(h, config, NOW);
  assert.equal(f?.match, 'Varnish');
  assert.match(f!.message, /its known limit is 60 s; high confidence/);
});

test('Cloudflare in front of Envoy cut at ~125 s: Cloudflare fits its measured limit, Envoy is named as also on the path', () => {
  const hops = [{ name: 'Cloudflare', evidence: 'cf-ray' }, { name: 'Envoy', evidence: 'x-envoy-upstream-service-time' }];
  const h = history({ drops: [drop(30, 124_800, 124_800, { hops, end: 'rst-internal-error' }), drop(20, 125_300, 125_300, { hops, end: 'rst-internal-error' }), drop(10, 125_000, 125_000, { hops, end: 'rst-internal-error' })] });
  const [f] = diagnose(h, config, NOW);
  assert.equal(f?.match, 'Cloudflare');
  assert.deepEqual(f?.hops, hops);
  assert.match(f!.message, /by Cloudflare \(evidence: cf-ray; its known limit is 100 s \/ 2 min 05 s; the close \(rst-internal-error\) is how it ends streams; high confidence; also on the path: Envoy; path: Cloudflare > Envoy\)/);
});

test('two hops that neither limit nor close shape tell apart: says it cannot tell and offers both settings', () => {
  const hops = [{ name: 'Varnish', evidence: 'x-varnish' }, { name: 'nginx', evidence: 'Server: nginx/1.22.1' }];
  const h = history({ drops: [drop(3, 2_010, 2_010, { hops, end: 'truncated' }), drop(2, 2_030, 2_030, { hops, end: 'truncated' }), drop(1, 2_020, 2_020, { hops, end: 'truncated' })] });
  const [f] = diagnose(h, config, NOW);
  assert.equal(f?.match, undefined);
  assert.match(f!.message, /cannot tell which of Varnish or nginx cut it/);
  assert.match(f!.fix, /between_bytes_timeout.*proxy_read_timeout/);
});

test('of two hops, the close shape picks the one that ends streams that way', () => {
  const hops = [{ name: 'Cloudflare', evidence: 'cf-ray' }, { name: 'Envoy', evidence: 'server: envoy' }];
  const h = history({ drops: [drop(3, 40_000, 40_000, { hops, end: 'rst-no-error' }), drop(2, 40_100, 40_100, { hops, end: 'rst-no-error' }), drop(1, 40_050, 40_050, { hops, end: 'rst-no-error' })] });
  assert.equal(diagnose(h, config, NOW)[0]?.match, 'Envoy');
});

test('clean ends after a fixed silence are a hop ending the response, not a server that finished', () => {
  const h = history({ drops: [drop(3, 10_000, 12_000, { cause: 'eof', end: 'clean' }), drop(2, 10_050, 30_000, { cause: 'eof', end: 'clean' }), drop(1, 9_990, 50_000, { cause: 'eof', end: 'clean' })] });
  const [f] = diagnose(h, config, NOW);
  assert.equal(f?.finding, 'intermediary-idle-timeout');
  assert.match(f!.message, /ended cleanly each time, as if the server had finished/);
});

test('a busy stream cut at a fixed age through a named hop: stream-lifetime-limit names it and its lifetime setting', () => {
  const hops = [{ name: 'Caddy', evidence: 'Server: Caddy' }];
  const h = history({ drops: [drop(30, 40, 4_000, { hops }), drop(20, 120, 4_020, { hops }), drop(10, 80, 3_990, { hops })] });
  const [f] = diagnose(h, config, NOW);
  assert.equal(f?.finding, 'stream-lifetime-limit');
  assert.equal(f?.match, 'Caddy');
  assert.deepEqual(f?.hops, hops);
  assert.match(f!.fix, /stream_timeout/);
});

test('a lifetime cap with no evidence uses the catalogue caps: 60 s from the start is Traefik readTimeout', () => {
  const h = history({ drops: [drop(30, 40, 60_000), drop(20, 120, 60_020), drop(10, 80, 59_990)] });
  const [f] = diagnose(h, config, NOW);
  assert.equal(f?.finding, 'stream-lifetime-limit');
  assert.equal(f?.match, 'Traefik');
  assert.match(f!.message, /by timing alone, low confidence/);
  assert.match(f!.fix, /respondingTimeouts\.readTimeout/);
});

test('a gateway error page names the hop that answered', () => {
  const hops = [{ name: 'nginx', evidence: 'nginx error page' }];
  const errors: ErrorRecord[] = [{ at: NOW - 60_000, cause: 'http-status', message: 'HTTP 504', httpStatus: 504, htmlErrorPage: true, hops }];
  const f = diagnose(history({ errors }), config, NOW).find((x) => x.finding === 'gateway-timeout');
  assert.equal(f?.match, 'nginx');
  assert.match(f!.message, /a gateway \(nginx: nginx error page\) answered HTTP 504/);
});
