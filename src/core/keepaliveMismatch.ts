// Keep-alive mismatches between hops (docs/core.md "keepalive-mismatch"): the server closes an idle
// keep-alive connection after K ms while the hop in front (or the client) keeps it pooled longer, so
// a request sent on it just as the server closes it fails (502 through a proxy, a reset directly).
// Pure: the per-POST evidence the MCP transport records in, one finding or nothing out.

import type { EndpointConfig } from './config.ts';
import { formatDuration } from './format.ts';
import { hopEntry } from './hops.ts';
import type { Hop } from './hops.ts';
import type { Intermediary } from './intermediaries.ts';
import type { Finding } from './model.ts';
import { median } from './stats.ts';

/** How a POST failed on the network, as the transport classified it. */
export type PostFailure = 'reset' | 'closed' | 'timeout' | 'error';
export const POST_FAILURES: readonly PostFailure[] = ['reset', 'closed', 'timeout', 'error'];

/**
 * What a POST was: a liveness `ping`, a `sweep` ping at a common server keep-alive, a `confirm` ping of
 * the gap check after a failure, or another `request` of the session.
 */
export type PostPurpose = 'ping' | 'sweep' | 'confirm' | 'request';
export const POST_PURPOSES: readonly PostPurpose[] = ['ping', 'sweep', 'confirm', 'request'];

/** One POST's outcome, as a transport reports it: no URL, headers or bodies, so nothing secret. */
export interface PostSample {
  readonly what: PostPurpose;
  /**
   * The quiet gap before it: ms from the end of the previous POST of this connect (its answer, or its
   * failure) to the start of this one; absent for the first POST of a connect.
   */
  readonly gapMs?: number;
  /** The HTTP status when an answer came. */
  readonly status?: number;
  /** Set instead of `status` when no answer came. */
  readonly failure?: PostFailure;
}

/** A POST outcome in the history: wall-clock `at`, and on failures the hops the connect's responses named. */
export interface PostRecord extends PostSample {
  readonly at: number;
  readonly hops?: readonly Hop[];
}

export const KEEPALIVE_MISMATCH = {
  /** Failures needed at one gap length. */
  minFailures: 2,
  /** Shorter gaps that must have succeeded. */
  minShorterSuccesses: 2,
  /** Gaps below this say nothing about an idle connection (back-to-back requests). */
  minGapMs: 100,
  /** A shorter gap counts only from this fraction of the estimate (near-zero gaps prove nothing). */
  shorterFromFraction: 0.25,
  /**
   * Shorter gaps may fail at most this fraction as often as gaps in the cluster do. Not zero: the gaps
   * are the client's view, and event-loop lag shows some late requests with a shorter gap than the
   * server saw (at load average 9: failures at 296-299 ms and one at 236 ms for a 300 ms keep-alive).
   */
  maxShorterFailureRatio: 0.25,
  /**
   * One gap length: within max(5 % of the median, 30 ms). The race is a few ms wide (measured through
   * HAProxy 2.6 against a 300 ms Node keep-alive: failures at 294-300 ms gaps), so the idle-timeout
   * clustering's 200 ms floor would merge unrelated gaps at these lengths.
   */
  relativeTolerance: 0.05,
  absoluteToleranceMs: 30,
  /** Statuses a proxy answers when the upstream connection it reused was closed under it. */
  gatewayStatuses: [502, 503, 504] as readonly number[],
} as const;

/** A failure that a closed keep-alive connection can cause; timeouts and other errors are not. */
export function isKeepaliveFailure(post: PostSample): boolean {
  if (post.failure) return post.failure === 'reset' || post.failure === 'closed';
  return post.status !== undefined && KEEPALIVE_MISMATCH.gatewayStatuses.includes(post.status);
}

function isSuccess(post: PostSample): boolean {
  return post.status !== undefined && post.status >= 200 && post.status < 300;
}

/** The largest group of gaps within the tolerance of one length; sorted ascending. */
function tightestGroup(gaps: readonly number[]): number[] {
  const sorted = [...gaps].sort((a, b) => a - b);
  let best: number[] = [];
  for (let start = 0; start < sorted.length; start++) {
    for (let end = sorted.length - 1; end >= start + best.length; end--) {
      const group = sorted.slice(start, end + 1);
      const tolerance = Math.max(KEEPALIVE_MISMATCH.relativeTolerance * median(group)!, KEEPALIVE_MISMATCH.absoluteToleranceMs);
      if (sorted[end]! - sorted[start]! <= tolerance) {
        best = group;
        break;
      }
    }
  }
  return best;
}

/** The latest hop list a failure carried. */
function failureHops(failures: readonly PostRecord[]): readonly Hop[] {
  for (let i = failures.length - 1; i >= 0; i--) if (failures[i]!.hops?.length) return failures[i]!.hops!;
  return [];
}

/** A server keep-alive comfortably longer than the proxy's upstream keep-alive, in whole seconds. */
export function recommendedServerKeepaliveMs(proxyUpstreamMs: number | undefined, measuredMs: number): number {
  // Unknown proxy: outlast the common upstream keep-alives (nginx upstream keepalive_timeout and the
  // AWS ALB idle timeout are both 60 s by default).
  const floor = proxyUpstreamMs ?? 60_000;
  return Math.max(Math.ceil((floor + 5_000) / 1000) * 1000, Math.ceil((measuredMs * 2) / 1000) * 1000);
}

/**
 * Fires when >= 2 POST failures (502/503/504, reset, socket closed) cluster at one quiet-gap length
 * and POSTs after shorter gaps succeeded (failing, if at all, far less often): the server's keep-alive
 * is about that gap.
 */
export function keepaliveMismatch(posts: readonly PostRecord[], config: EndpointConfig, since: number, nowWallMs: number): Finding | undefined {
  const recent = posts.filter((p) => p.at >= since && p.at <= nowWallMs && p.gapMs !== undefined && p.gapMs >= KEEPALIVE_MISMATCH.minGapMs);
  const failed = recent.filter(isKeepaliveFailure);
  if (failed.length < KEEPALIVE_MISMATCH.minFailures) return undefined;
  const group = tightestGroup(failed.map((p) => p.gapMs!));
  if (group.length < KEEPALIVE_MISMATCH.minFailures) return undefined;
  const low = group[0]!;
  const high = group[group.length - 1]!;
  const estimateMs = Math.round(median(group)!);
  const clustered = failed.filter((p) => p.gapMs! >= low && p.gapMs! <= high);
  // Shorter gaps must work: otherwise the connection fails whatever the gap, which is another problem.
  const shorterFrom = Math.max(KEEPALIVE_MISMATCH.minGapMs, KEEPALIVE_MISMATCH.shorterFromFraction * estimateMs);
  const shorter = recent.filter((p) => p.gapMs! >= shorterFrom && p.gapMs! < low);
  const shorterOk = shorter.filter(isSuccess);
  const shorterFailed = shorter.filter(isKeepaliveFailure).length;
  const clusterRate = clustered.length / recent.filter((p) => p.gapMs! >= low && p.gapMs! <= high).length;
  if (shorterOk.length < KEEPALIVE_MISMATCH.minShorterSuccesses) return undefined;
  if (shorterFailed > 0 && shorterFailed / shorter.length > KEEPALIVE_MISMATCH.maxShorterFailureRatio * clusterRate) return undefined;

  const hops = failureHops(clustered);
  const proxies = hops.map(hopEntry).filter((e): e is Intermediary => e !== undefined);
  // The hop that reuses upstream connections is the innermost one in front of the server.
  const proxy = [...proxies].reverse().find((e) => e.upstreamKeepalive) ?? proxies[proxies.length - 1];
  const statuses = [...new Set(clustered.map((p) => (p.failure ? (p.failure === 'reset' ? 'connection reset' : 'socket closed') : `HTTP ${p.status}`)))].sort();
  const spreadMs = Math.round(high - low);
  const range = spreadMs === 0 ? formatDuration(low) : `${formatDuration(low)}-${formatDuration(high)} (spread ${spreadMs} ms)`;
  const reuser = proxy ? `${proxy.name} (${hops.find((h) => h.name === proxy.name)?.evidence ?? 'named by a response'})` : 'the proxy in front (or the client, if nothing is in between)';
  const message = `${config.name}: ${clustered.length} MCP POSTs failed (${statuses.join(', ')}) after quiet gaps of ${range}, `
    + `while ${shorterOk.length} after shorter gaps succeeded${shorterFailed ? ` (${shorterFailed} failed)` : ''}: the server closes idle keep-alive connections after about ${formatDuration(estimateMs)} `
    + `and ${reuser} reused connections the server had just closed: a keep-alive mismatch between hops`;
  const upstreamMs = proxy?.upstreamKeepalive?.defaultMs;
  const serverMs = recommendedServerKeepaliveMs(upstreamMs, estimateMs);
  const proxySide = proxy?.upstreamKeepalive
    ? `${proxy.name}: ${proxy.upstreamKeepalive.knob}${upstreamMs !== undefined ? ` (default ${formatDuration(upstreamMs)})` : ''}`
    : 'nginx: keepalive_timeout in the upstream block (default 60 s); HAProxy: http-reuse and the life of idle server connections; AWS ALB: the target keep-alive must exceed the ALB idle timeout (default 60 s)';
  const fix = `Server side: keep idle connections open longer than the proxy keeps its upstream connections: `
    + `Node server.keepAliveTimeout = ${serverMs} and server.headersTimeout = ${serverMs + 1000} (headersTimeout must exceed keepAliveTimeout; the default keep-alive is 5 s, and Node 24 closes keepAliveTimeoutBuffer, 1 s, later); `
    + `Go http.Server{IdleTimeout: ${serverMs / 1000} * time.Second}; Python uvicorn --timeout-keep-alive ${serverMs / 1000} (default 5 s). `
    + `Or proxy side: make its upstream keep-alive shorter than the server's ${formatDuration(estimateMs)}: ${proxySide}. `
    + 'Retrying a request that failed on a reused connection hides the symptom, not the cause.';
  return {
    finding: 'keepalive-mismatch', message, fix, evidence: clustered.length, estimateMs, spreadMs,
    ...(proxy ? { match: proxy.name } : {}), ...(hops.length ? { hops } : {}),
  };
}
