// The shape of a copyable fix and the numbers every fix uses, derived from one finding. Pure, no DOM
// and no Node: the dashboard and the CLI both render these.

import type { EndpointKind } from '../../core/config.ts';
import type { Finding } from '../../core/model.ts';

export type SnippetSide = 'server' | 'intermediary' | 'client';

export interface Snippet {
  readonly id: string;
  readonly side: SnippetSide;
  readonly title: string;
  readonly language: 'typescript' | 'go' | 'python' | 'rust' | 'java' | 'nginx' | 'haproxy' | 'yaml' | 'shell' | 'json' | 'text';
  readonly code: string;
  /** Plain-language context shown above the code. */
  readonly note?: string;
  /** The change in one line, for terminal output (e.g. `nginx: proxy_read_timeout 300s;`). */
  readonly brief: string;
}

export interface SnippetEndpoint {
  readonly name: string;
  readonly kind: EndpointKind;
  readonly url: string;
  readonly heartbeatSeconds: number;
  readonly idleTimeoutSeconds: number;
}

export interface FixValues {
  /** Server heartbeat interval to recommend, whole seconds. */
  readonly heartbeatSeconds: number;
  /** Intermediary idle timeout to recommend, whole seconds. */
  readonly proxyTimeoutSeconds: number;
}

const DEFAULT_HEARTBEAT_SECONDS = 15;
/** An intermediary's idle limit should outlast several missed heartbeats and never be short. */
const MIN_PROXY_TIMEOUT_SECONDS = 300;
const HEARTBEATS_PER_PROXY_TIMEOUT = 4;

/**
 * The numbers a fix uses: the finding's recommended heartbeat (or a third of its measured limit),
 * and a proxy idle timeout of at least 4 heartbeats and 5 minutes.
 */
export function fixValues(finding: Finding, endpoint: SnippetEndpoint): FixValues {
  let heartbeatMs = finding.recommendedHeartbeatMs;
  if (heartbeatMs === undefined && finding.estimateMs !== undefined && finding.finding === 'intermediary-idle-timeout') {
    heartbeatMs = finding.estimateMs / 3;
  }
  if (heartbeatMs === undefined) heartbeatMs = (endpoint.heartbeatSeconds || DEFAULT_HEARTBEAT_SECONDS) * 1000;
  // Rounded down (a heartbeat a little early is harmless): whole seconds, or tenths below 1 s
  // (test rigs and very short proxies recommend 600 ms, and saying "1 s" there would be wrong).
  const roundedMs = heartbeatMs >= 1000 ? Math.floor(heartbeatMs / 1000) * 1000 : Math.max(100, Math.floor(heartbeatMs / 100) * 100);
  const heartbeatSeconds = roundedMs / 1000;
  const proxyTimeoutSeconds = Math.max(MIN_PROXY_TIMEOUT_SECONDS, Math.ceil(heartbeatSeconds * HEARTBEATS_PER_PROXY_TIMEOUT));
  return { heartbeatSeconds, proxyTimeoutSeconds };
}

/** The URL's path when it is plain enough to paste into a proxy config, else `/`. */
export function locationPath(url: string): string {
  try {
    const path = new URL(url).pathname;
    return /^\/[A-Za-z0-9/._~-]*$/.test(path) ? path : '/';
  } catch {
    return '/';
  }
}

/** A millisecond count as a TypeScript literal: 20000 -> `20_000`, 600 -> `600`. */
export function msLiteral(ms: number): string {
  const whole = Math.round(ms);
  return whole >= 1000 && whole % 1000 === 0 ? `${whole / 1000}_000` : String(whole);
}

/** `heartbeatSeconds` x `n`, without binary-fraction noise (0.6 x 3 is 1.8, not 1.7999999999999998). */
export function timesSeconds(seconds: number, n: number): number {
  return Math.round(seconds * 1000 * n) / 1000;
}
