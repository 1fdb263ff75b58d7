// Diagnosis (docs/design.md "Diagnosis findings", details in docs/core.md): pure, deterministic functions of one endpoint's history
// that say why its streams die and what to change, on which side, to which value.

import type { EndpointConfig } from './config.ts';
import { idleWindowMs } from './config.ts';
import type { DropCause } from './events.ts';
import { formatDuration } from './format.ts';
import { hopEntry } from './hops.ts';
import type { Hop } from './hops.ts';
import { idleFit, knownIdleMs, lifetimeCapsFor, lifetimeFit, matchIntermediaries, matchLifetimeCaps, protocolFamily } from './intermediaries.ts';
import type { CloseShape, Intermediary, ProtocolFamily } from './intermediaries.ts';
import { keepaliveMismatch } from './keepaliveMismatch.ts';
import { KIND_INFO } from './kinds.ts';
import type { DropRecord, EndpointHistory, Finding } from './model.ts';
import { median } from './stats.ts';

export const DIAGNOSIS = {
  /** Drops needed before a cluster counts. */
  minClusterSize: 3,
  /** Silences shorter than this are not "idle" (the stream was busy when it died). */
  minIdleSilenceMs: 500,
  /** A cluster's spread may be this fraction of its median... */
  clusterRelativeTolerance: 0.1,
  /** ...or this many ms, whichever is larger. */
  clusterAbsoluteToleranceMs: 200,
  flappingConnects: 5,
  flappingWindowMs: 5 * 60_000,
  /** A session shorter than this counts as a flap when the idle window is off. */
  flappingMinUptimeMs: 10_000,
  /** Only recent history counts, so a fixed problem stops being reported. */
  lookbackMs: 24 * 3600_000,
  maxDropsConsidered: 100,
} as const;

/** Causes that say nothing about an intermediary's idle limit. */
const NOT_IDLE_CAUSES: readonly DropCause[] = ['watchdog', 'manual', 'http-status'];
const GATEWAY_STATUSES = [502, 504, 524] as const;
const NICE_HEARTBEATS_MS = [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 600, 900, 1800, 3600].map((s) => s * 1000);

/** The largest "nice" heartbeat interval <= estimate / 3 (100 s -> 30 s; 2 s -> 600 ms). */
export function recommendHeartbeatMs(estimateMs: number): number {
  const limit = estimateMs / 3;
  if (limit < 1000) return Math.max(100, Math.floor(limit / 100) * 100);
  let best = NICE_HEARTBEATS_MS[0]!;
  for (const v of NICE_HEARTBEATS_MS) if (v <= limit) best = v;
  return best;
}

/**
 * The largest group of values whose spread (max - min) is within max(10 % of its median, 200 ms).
 * Returns indexes into `values`; ties go to the group found first (smallest values).
 */
export function largestCluster(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v || a.i - b.i);
  let best: number[] = [];
  for (let start = 0; start < order.length; start++) {
    for (let end = order.length - 1; end >= start + best.length; end--) {
      const spread = order[end]!.v - order[start]!.v;
      // The slice is sorted, so its median is its middle element (or the mean of the middle two).
      const mid = (start + end) / 2;
      const groupMedian = (order[Math.floor(mid)]!.v + order[Math.ceil(mid)]!.v) / 2;
      const tolerance = Math.max(DIAGNOSIS.clusterRelativeTolerance * groupMedian, DIAGNOSIS.clusterAbsoluteToleranceMs);
      if (spread <= tolerance) {
        best = order.slice(start, end + 1).map((o) => o.i);
        break;
      }
    }
  }
  return best;
}

/** Every finding the history supports, in a fixed order; the same input always gives the same output. */
export function diagnose(history: EndpointHistory, config: EndpointConfig, nowWallMs: number): Finding[] {
  const since = nowWallMs - DIAGNOSIS.lookbackMs;
  const drops = history.drops.filter((d) => d.at >= since && d.at <= nowWallMs).slice(-DIAGNOSIS.maxDropsConsidered);
  const findings: Finding[] = [];
  const idle = intermediaryIdleTimeout(drops, history, config);
  if (idle) findings.push(idle);
  const lifetime = streamLifetimeLimit(drops, config);
  if (lifetime) findings.push(lifetime);
  const silent = silentDeadConnection(drops, config);
  if (silent) findings.push(silent);
  const noHeartbeat = noServerHeartbeat(drops, history, config);
  if (noHeartbeat) findings.push(noHeartbeat);
  const gateway = gatewayTimeout(drops, history, config, since);
  if (gateway) findings.push(gateway);
  // Churn that an idle timeout or a lifetime cap already explains is their symptom, not a second
  // problem: reporting "flapping" beside them would send the user after the wrong fix.
  const flap = idle || lifetime ? undefined : flapping(history, config, nowWallMs);
  if (flap) findings.push(flap);
  const mismatch = keepaliveMismatch(history.posts ?? [], config, since, nowWallMs);
  if (mismatch) findings.push(mismatch);
  return findings;
}

/** What the server should put on the stream, in this kind's terms. */
function serverHeartbeatAdvice(config: EndpointConfig, everyMs: number): string {
  return KIND_INFO[config.kind].serverHeartbeatAdvice(formatDuration(everyMs), everyMs);
}

/**
 * Who cut the streams: the hop the evidence named whose known limit and close shape fit best, else
 * the timeout table. `kind` says which limit: an idle timeout or a lifetime cap.
 */
export interface Killer {
  readonly match?: string;
  readonly entry?: Intermediary;
  /**
   * Who, said on its own: "by Caddy (evidence: Server: Caddy; ...)", "likely nginx (...)" or "cannot
   * tell which of A or B cut it (...)"; '' when nothing fits.
   */
  readonly summary: string;
  readonly knob?: string;
  /** Other tied candidates when it cannot tell (their knobs go in the fix). */
  readonly tied?: readonly Intermediary[];
}

/** The hop list of the most recent drop that carried one. */
function latestHops(records: readonly { readonly hops?: readonly Hop[] }[]): readonly Hop[] {
  for (let i = records.length - 1; i >= 0; i--) if (records[i]!.hops?.length) return records[i]!.hops!;
  return [];
}

/** The close shape most drops share, if any drop reported one. */
function commonShape(drops: readonly DropRecord[]): CloseShape | undefined {
  const counts = new Map<CloseShape, number>();
  for (const d of drops) if (d.end) counts.set(d.end, (counts.get(d.end) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

export function nameKiller(hops: readonly Hop[], estimateMs: number, family: ProtocolFamily, shape: CloseShape | undefined, limit: 'idle' | 'lifetime'): Killer {
  const knobOf = (e: Intermediary) => (limit === 'lifetime' ? e.lifetimeKnob ?? e.knob : e.knob);
  const named = hops.map((hop) => ({ hop, entry: hopEntry(hop) })).filter((c): c is { hop: Hop; entry: Intermediary } => c.entry !== undefined);
  if (named.length === 0) {
    if (limit === 'lifetime') {
      const caps = matchLifetimeCaps(estimateMs, family);
      const first = caps[0];
      if (!first) return { summary: '' };
      const others = [...new Set(caps.slice(1).map((c) => c.entry.name))].filter((n) => n !== first.entry.name);
      return {
        match: first.entry.name, entry: first.entry, knob: knobOf(first.entry),
        summary: `likely ${first.entry.name} (its ${first.cap.what} is ${formatDuration(first.cap.ms)}; by timing alone, low confidence${others.length ? `; also fits ${others.join(', ')}` : ''})`,
      };
    }
    const matches = matchIntermediaries(estimateMs, family);
    const first = matches[0];
    if (!first) return { summary: '' };
    // Nothing on the wire named a hop: the documented default is all there is to go on.
    const also = matches.length > 1 ? `; also fits ${matches.slice(1).map((m) => m.name).join(', ')}` : '';
    const summary = `likely ${first.name} (its default is ${formatDuration(first.idleMs[family] ?? estimateMs)}; no response named a hop, so by timing alone: low confidence${also})`;
    return { match: first.name, entry: first, knob: knobOf(first), summary };
  }
  const scored = named.map(({ hop, entry }) => {
    const fits = limit === 'idle' ? idleFit(entry, estimateMs, family) !== undefined : lifetimeFit(entry, estimateMs, family) !== undefined;
    const shapeFits = shape !== undefined && entry.ends.includes(shape);
    return { hop, entry, fits, shapeFits, score: (fits ? 2 : 0) + (shapeFits ? 1 : 0) };
  });
  const top = Math.max(...scored.map((s) => s.score));
  const best = scored.filter((s) => s.score === top);
  const path = hops.length > 1 ? `; path: ${hops.map((h) => h.name).join(' > ')}` : '';
  if (best.length > 1) {
    const names = best.map((s) => s.entry.name);
    return {
      tied: best.map((s) => s.entry),
      summary: `cannot tell which of ${names.join(' or ')} cut it (${best.map((s) => `${s.entry.name}: ${s.hop.evidence}`).join('; ')}; neither their default limits nor the close shape${shape ? ` (${shape})` : ''} tell them apart${path})`,
    };
  }
  const winner = best[0]!;
  const { entry } = winner;
  const reasons: string[] = [];
  if (winner.fits) {
    const known = limit === 'idle' ? `its known limit is ${knownIdleMs(entry, family).map((v) => formatDuration(v)).join(' / ')}` : `its ${lifetimeFit(entry, estimateMs, family)!.what} is ${formatDuration(lifetimeFit(entry, estimateMs, family)!.ms)}`;
    reasons.push(known);
  } else {
    const defaults = limit === 'idle' ? knownIdleMs(entry, family) : lifetimeCapsFor(entry, family).map((c) => c.ms);
    reasons.push(defaults.length ? `not its default of ${defaults.map((v) => formatDuration(v)).join(' / ')}, so it was configured` : 'it has no default limit, so it was configured');
  }
  if (winner.shapeFits) reasons.push(`the close (${shape}) is how it ends streams`);
  const confidence = winner.fits || winner.shapeFits ? 'high' : named.length === 1 ? 'medium' : 'low';
  const alsoSeen = named.length > 1 ? `; also on the path: ${named.filter((n) => n.entry !== entry).map((n) => n.entry.name).join(', ')}` : '';
  return {
    match: entry.name, entry, knob: knobOf(entry),
    summary: `by ${entry.name} (evidence: ${winner.hop.evidence}; ${reasons.join('; ')}; ${confidence} confidence${alsoSeen}${path})`,
  };
}

/** The killer as the tail of a finding's first sentence. */
function killerWords(killer: Killer): string {
  if (!killer.summary) return '';
  return killer.tied ? `: ${killer.summary}` : `, ${killer.summary}`;
}

function knobText(killer: Killer, fallback: string): string {
  if (killer.tied) return killer.tied.map((e) => e.knob).join(', or ');
  return killer.knob ?? fallback;
}

function intermediaryIdleTimeout(drops: DropRecord[], history: EndpointHistory, config: EndpointConfig): Finding | undefined {
  const candidates = drops.filter((d) => !NOT_IDLE_CAUSES.includes(d.cause) && d.silenceMs >= DIAGNOSIS.minIdleSilenceMs);
  const cluster = largestCluster(candidates.map((d) => d.silenceMs));
  if (cluster.length < DIAGNOSIS.minClusterSize) return undefined;
  const clustered = cluster.sort((a, b) => a - b).map((i) => candidates[i]!);
  const estimateMs = Math.round(median(clustered.map((d) => d.silenceMs))!);
  const recommendedHeartbeatMs = recommendHeartbeatMs(estimateMs);
  const hops = latestHops(clustered);
  const shape = commonShape(clustered);
  const killer = nameKiller(hops, estimateMs, protocolFamily(config.kind), shape, 'idle');
  const every = formatDuration(recommendedHeartbeatMs);
  let message = `streams to ${config.name} die after ${formatDuration(estimateMs)} of silence: an intermediary idle timeout${killerWords(killer)}`;
  message += `; send a heartbeat every ${every}`;
  // A valid end after a fixed silence is a hop treating the pause as the end (Fastly's between-bytes
  // timeout), not a server that finished: the fixed silence gives it away.
  if (clustered.every((d) => d.cause === 'eof')) {
    message += '. The streams ended cleanly each time, as if the server had finished: a hop that treats a pause as the end of the response does this';
  }
  const probesAnswered = config.kind !== 'websocket' && (history.heartbeats.out.count > 0 || clustered.some((d) => d.peerAlive));
  if (probesAnswered) {
    message += '. Client pings on a separate request were answered while the stream still dropped: they do not keep the stream alive';
  }
  const knob = knobText(killer, 'the proxy/load balancer idle or read timeout (e.g. nginx proxy_read_timeout)');
  const fix = `Server side: ${serverHeartbeatAdvice(config, recommendedHeartbeatMs)}. `
    + `Or raise the intermediary's limit above the longest expected silence: ${knob}. `
    + `Client side: keep "idleTimeoutSeconds" at about 3 x the heartbeat (${Math.ceil((recommendedHeartbeatMs * 3) / 1000)}).`;
  return {
    finding: 'intermediary-idle-timeout', message, fix, evidence: cluster.length, estimateMs, recommendedHeartbeatMs,
    ...(killer.match ? { match: killer.match } : {}), ...(hops.length ? { hops } : {}),
  };
}

function streamLifetimeLimit(drops: DropRecord[], config: EndpointConfig): Finding | undefined {
  const candidates = drops.filter((d) => d.cause !== 'manual' && d.cause !== 'watchdog' && d.streamAgeMs >= DIAGNOSIS.minIdleSilenceMs);
  const cluster = largestCluster(candidates.map((d) => d.streamAgeMs));
  if (cluster.length < DIAGNOSIS.minClusterSize) return undefined;
  // If the same drops also share one real silence (>= 500 ms), an idle timeout explains them better
  // (a silent server: age == silence). Busy streams cut at a fixed age have tiny silences: still a cap.
  const silences = cluster.map((i) => candidates[i]!.silenceMs);
  const idleExplains = silences.every((s) => s >= DIAGNOSIS.minIdleSilenceMs) && largestCluster(silences).length === silences.length;
  if (idleExplains) return undefined;
  const clustered = cluster.sort((a, b) => a - b).map((i) => candidates[i]!);
  const estimateMs = Math.round(median(clustered.map((d) => d.streamAgeMs))!);
  const hops = latestHops(clustered);
  const killer = nameKiller(hops, estimateMs, protocolFamily(config.kind), commonShape(clustered), 'lifetime');
  const message = `streams to ${config.name} end after ${formatDuration(estimateMs)} whatever the traffic: a maximum stream lifetime (route or request timeout), not an idle timeout${killerWords(killer)}`;
  const where = killer.knob || killer.tied
    ? `Proxy side: raise or turn off the limit that caps the stream: ${knobText(killer, '')}. `
    : `Proxy side: raise the route/request timeout that caps the stream (nginx proxy_read_timeout does not; look for Envoy route timeout / max_stream_duration, `
      + `Traefik respondingTimeouts.readTimeout, AWS API Gateway's 29 s-15 min limits, a load balancer's request timeout, or the server's own max connection age). `;
  const fix = `${where}Heartbeats will not help. Otherwise accept it: reconnects resume (SSE Last-Event-ID) and the backoff resets after each long session.`;
  return {
    finding: 'stream-lifetime-limit', message, fix, evidence: cluster.length, estimateMs,
    ...(killer.match ? { match: killer.match } : {}), ...(hops.length ? { hops } : {}),
  };
}

function silentDeadConnection(drops: DropRecord[], config: EndpointConfig): Finding | undefined {
  const silent = drops.filter((d) => d.cause === 'watchdog' && !d.peerAlive);
  if (silent.length === 0) return undefined;
  const windowText = formatDuration(idleWindowMs(config));
  const streams = silent.length === 1 ? '1 stream' : `${silent.length} streams`;
  const message = `${streams} to ${config.name} went silent without FIN or RST and ${silent.length === 1 ? 'was' : 'were'} dropped by the watchdog after ${windowText}: the connection died on the path (NAT, load balancer or frozen/vanished peer)`;
  const fix = `Client side: keep the watchdog on ("idleTimeoutSeconds": ${config.idleTimeoutSeconds || 45}) and client liveness probes on ("heartbeatSeconds": ${config.heartbeatSeconds || 15}) so a dead path is noticed quickly. `
    + `Server/network side: send stream heartbeats more often than the shortest NAT/LB idle timeout, and check for a restarted or frozen server or a dropped NAT mapping.`;
  return { finding: 'silent-dead-connection', message, fix, evidence: silent.length };
}

function noServerHeartbeat(drops: DropRecord[], history: EndpointHistory, config: EndpointConfig): Finding | undefined {
  const windowMs = idleWindowMs(config);
  const aliveButSilent = drops.filter((d) => d.cause === 'watchdog' && d.peerAlive);
  const neverSeen = history.heartbeats.in.count === 0 && windowMs > 0 && history.maxSilenceMs > windowMs / 2;
  if (!neverSeen && aliveButSilent.length === 0) return undefined;
  const every = windowMs > 0 ? recommendHeartbeatMs(windowMs) : 15_000;
  const message = aliveButSilent.length > 0
    ? `${config.name}: the stream went silent for the whole idle window while the peer answered liveness probes: the server sends no heartbeat on the stream`
    : `${config.name}: the server never sent a heartbeat and the stream went silent for ${formatDuration(history.maxSilenceMs)}; idle streams this quiet get cut by proxies and cannot be told apart from dead ones`;
  const fix = `Server side: ${serverHeartbeatAdvice(config, every)} (at most a third of the client's idle window of ${formatDuration(windowMs)}). `
    + 'Client probes on a separate request prove the peer is alive, not that the stream is.';
  return {
    finding: 'no-server-heartbeat', message, fix,
    evidence: Math.max(1, aliveButSilent.length), recommendedHeartbeatMs: every,
  };
}

function gatewayTimeout(drops: DropRecord[], history: EndpointHistory, config: EndpointConfig, since: number): Finding | undefined {
  // An HTML page with a 2xx-4xx status is a wrong URL or a login page, not a gateway giving up: the
  // error event already says what came back, and blaming a proxy timeout would mislead.
  const isGateway = (r: { httpStatus?: number; htmlErrorPage?: boolean }) =>
    (r.htmlErrorPage === true && (r.httpStatus === undefined || r.httpStatus >= 500))
    || (r.httpStatus !== undefined && (GATEWAY_STATUSES as readonly number[]).includes(r.httpStatus));
  const hits = [...drops.filter(isGateway), ...history.errors.filter((e) => e.at >= since && isGateway(e))];
  if (hits.length === 0) return undefined;
  const statuses = [...new Set(hits.map((h) => h.httpStatus).filter((s): s is number => s !== undefined))].sort();
  const html = hits.some((h) => h.htmlErrorPage);
  const what = [statuses.length ? `HTTP ${statuses.join('/')}` : '', html ? 'an HTML error page where an event stream was expected' : ''].filter(Boolean).join(' and ');
  const hops = latestHops(hits);
  const named = hops.map(hopEntry).filter((e): e is Intermediary => e !== undefined);
  // The innermost named hop answered: outer hops only relayed its page.
  const answered = named[named.length - 1];
  const by = answered ? ` (${answered.name}: ${hops.find((h) => h.name === answered.name)!.evidence})` : '';
  const message = `${config.name}: a gateway${by} answered ${what} (${hits.length} time${hits.length === 1 ? '' : 's'}): the proxy in front of the server timed out or could not reach it`;
  const parts = ['Proxy side: check that the upstream is up and reachable from the proxy, and raise its upstream timeout (nginx proxy_read_timeout / proxy_connect_timeout, AWS ALB idle_timeout).'];
  if (statuses.includes(524)) parts.push('524 is Cloudflare giving up after 100 s without a response from the origin: the server must send response headers and then stream data (heartbeats) within 100 s.');
  if (statuses.includes(504)) parts.push('504: the server must start the response (headers and first bytes) before the proxy\'s read timeout.');
  if (statuses.includes(502)) parts.push('502: the server closed or refused the proxy\'s connection; check server logs and keep-alive limits.');
  if (answered) parts.push(`${answered.name}: ${answered.knob} (${answered.docs}).`);
  return {
    finding: 'gateway-timeout', message, fix: parts.join(' '), evidence: hits.length,
    ...(answered ? { match: answered.name } : {}), ...(hops.length ? { hops } : {}),
  };
}

function flapping(history: EndpointHistory, config: EndpointConfig, nowWallMs: number): Finding | undefined {
  const since = nowWallMs - DIAGNOSIS.flappingWindowMs;
  // Streams that open and die, again and again; a host that refuses every connect is an error, not a flap.
  const recent = history.sessions.filter((s) => s.openedAt >= since && s.openedAt <= nowWallMs);
  if (recent.length < DIAGNOSIS.flappingConnects) return undefined;
  const minUptimeMs = idleWindowMs(config) > 0 ? idleWindowMs(config) : DIAGNOSIS.flappingMinUptimeMs;
  const healthy = recent.some((s) => (s.endedAt === undefined ? nowWallMs - s.openedAt : s.ageMs ?? 0) >= minUptimeMs);
  if (healthy) return undefined;
  const message = `${config.name} reconnected ${recent.length} times in ${formatDuration(DIAGNOSIS.flappingWindowMs)} and no stream lived ${formatDuration(minUptimeMs)}: the connection is flapping`;
  const fix = 'Look at the drop causes: fix what ends each stream (a proxy limit, a crashing or overloaded server, a load balancer draining connections). '
    + `Client side: the backoff grows to "reconnect.maxDelaySeconds" (${config.reconnect.maxDelaySeconds}); raise it or set "reconnect.maxAttempts" to stop retrying a broken endpoint.`;
  return { finding: 'flapping', message, fix, evidence: recent.length };
}
