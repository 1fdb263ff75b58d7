// Shapes the core hands to its users (CLI, extension, dashboard): live status, the serialisable
// history, diagnosis findings, and the Monitor's public surface. Plain data, JSON-safe.

import type { EndpointConfig } from './config.ts';
import type { DropCause, DropFacts, ErrorCause, FindingKind, HeartbeatDirection, HeartbeatKind, StreamEvent } from './events.ts';
import type { Hop } from './hops.ts';
import type { PostRecord } from './keepaliveMismatch.ts';
import type { SessionState } from './states.ts';

/** Live view of one endpoint; timestamps are wall-clock epoch ms (for display). */
export interface EndpointStatus {
  readonly name: string;
  readonly kind: EndpointConfig['kind'];
  /** URL with credentials/query secrets redacted. */
  readonly url: string;
  readonly state: SessionState;
  /** Wall-clock ms when the current stream opened, if live. */
  readonly openedAt?: number;
  readonly lastInboundAt?: number;
  readonly lastHeartbeatInAt?: number;
  readonly lastHeartbeatOutAt?: number;
  /** Last answered liveness probe (apart from stream activity). */
  readonly lastProbeOkAt?: number;
  readonly lastProbeRttMs?: number;
  /** Consecutive attempts since the last reset of the backoff. */
  readonly attempt: number;
  /** Wall-clock ms when the next connect is due, while in `backoff`. */
  readonly nextAttemptAt?: number;
  readonly openDetail?: string;
  readonly lastDrop?: DropRecord;
  /** Last pre-open failure, kept until the next successful open. */
  readonly lastError?: { readonly cause: ErrorCause; readonly message: string; readonly httpStatus?: number; readonly at: number };
  /** Why the session is `failed` or `paused`, in words for people. */
  readonly reason?: string;
  readonly findings: readonly Finding[];
  readonly heartbeatSeconds: number;
  readonly idleTimeoutSeconds: number;
  /** Set when a forward proxy carries the stream: `via proxy http://host:port (source)`, never credentials. */
  readonly route?: string;
  /** Set when tls.rejectUnauthorized is false: the server's certificate is not checked. */
  readonly tlsUnverified?: true;
}

export interface SessionRecord {
  readonly openedAt: number;
  readonly endedAt?: number;
  readonly ageMs?: number;
  readonly cause?: DropCause;
  readonly detail: string;
}

export interface DropRecord extends DropFacts {
  readonly at: number;
}

export interface ErrorRecord {
  readonly at: number;
  readonly cause: ErrorCause;
  readonly message: string;
  readonly httpStatus?: number;
  readonly htmlErrorPage?: boolean;
  readonly hops?: readonly Hop[];
}

export interface HeartbeatStats {
  readonly direction: HeartbeatDirection;
  readonly count: number;
  readonly lastAt?: number;
  /** Median interval between consecutive heartbeats in this direction, over recent ones. */
  readonly medianIntervalMs?: number;
  readonly lastKind?: HeartbeatKind;
  readonly medianRttMs?: number;
}

/** Everything remembered about one endpoint; bounded ring buffers, oldest dropped first. */
export interface EndpointHistory {
  readonly sessions: SessionRecord[];
  readonly drops: DropRecord[];
  readonly errors: ErrorRecord[];
  /** Wall-clock ms of recent heartbeats, for timeline ticks. */
  readonly heartbeatTimes: { readonly in: number[]; readonly out: number[] };
  readonly heartbeats: { readonly in: HeartbeatStats; readonly out: HeartbeatStats };
  /** Connect attempts (wall-clock ms), for flapping detection. */
  readonly connects: number[];
  /** Longest inbound gap seen in any session (ms), for no-server-heartbeat. */
  readonly maxSilenceMs: number;
  readonly warnings: number;
  /** Recent POST outcomes with the quiet gap before each (MCP); what keepalive-mismatch reads. */
  readonly posts?: PostRecord[];
}

export const HISTORY_SCHEMA_VERSION = 1;

export interface HistorySnapshot {
  readonly schemaVersion: typeof HISTORY_SCHEMA_VERSION;
  readonly savedAt: string;
  readonly endpoints: Record<string, EndpointHistory>;
}

export interface Finding {
  readonly finding: FindingKind;
  /** Plain language: what happens and why. */
  readonly message: string;
  /** The concrete fix: which side, which setting, which value. */
  readonly fix: string;
  readonly evidence: number;
  readonly estimateMs?: number;
  readonly recommendedHeartbeatMs?: number;
  readonly match?: string;
  /** The path as far as it was seen, outermost first; the finding's `match` is one of them when evidence named it. */
  readonly hops?: readonly Hop[];
  /** keepalive-mismatch: max - min of the failing gaps (ms) the estimate is the median of. */
  readonly spreadMs?: number;
}

/** What the CLI and the extension call; implemented by `Monitor` in monitor.ts. */
export interface MonitorApi {
  /** Start, stop or restart sessions so the running set matches `configs`; untouched ones keep running. */
  update(configs: readonly EndpointConfig[]): void;
  onEvent(listener: (event: StreamEvent) => void): () => void;
  /** Fired on every state change, `from -> to`. */
  onTransition(listener: (change: { endpoint: string; from: SessionState; to: SessionState }) => void): () => void;
  status(): EndpointStatus[];
  history(): HistorySnapshot;
  /** Restore persisted history (unknown endpoints kept too, for when they come back). */
  restoreHistory(snapshot: HistorySnapshot): void;
  clearHistory(endpoint?: string): void;
  /** Drop the current stream (cause `manual`) and connect now, resetting backoff and `failed`. */
  reconnect(endpoint?: string): void;
  pause(endpoint?: string): void;
  resume(endpoint?: string): void;
  dispose(): void;
}

/** How the Monitor is built; everything platform-specific is injected. */
export interface MonitorOptions {
  readonly transportFactory: import('./transport.ts').TransportFactory;
  /** Defaults to the system clock. */
  readonly clock?: import('./clock.ts').Clock;
  /**
   * Resolves `${secret:NAME}` placeholders at each connect (SecretStorage in the extension,
   * env STREAM_HEALTH_SECRET_<NAME> in the CLI). Undefined means missing: an `error` with cause
   * `config` and the session goes to `failed`.
   */
  readonly resolveSecret?: (name: string) => Promise<string | undefined> | string | undefined;
  /**
   * Tells the user how to set a missing secret, e.g. 'Run "Stream Health: Set Header Secret…".';
   * a function gets the secret's name (the CLI names the exact environment variable).
   */
  readonly secretHint?: string | ((name: string) => string);
  /** Emit `message` events (the CLI's --verbose); off by default to keep busy streams cheap. */
  readonly emitMessages?: boolean;
  /**
   * Non-fatal oddities a transport reported (invalid UTF-8 or JSON, an unknown event...), already
   * redacted; counted in history either way. Not an event, so NDJSON output stays the event list of docs/design.md.
   */
  readonly onWarning?: (endpoint: string, message: string) => void;
  /** Defaults to diagnosis.ts's `diagnose`; a seam so tests can count how often findings are evaluated. */
  readonly diagnose?: typeof import('./diagnosis.ts').diagnose;
}

/**
 * Sign-in required: the session is `failed` (no retries until the user acts, like any other failure)
 * and its last error has cause `auth`. A condition on `failed`, not a state of its own, so every
 * consumer of the state machine keeps working; the UI and the CLI offer Sign In when it holds.
 */
export function needsSignIn(status: Pick<EndpointStatus, 'state' | 'lastError'>): boolean {
  return status.state === 'failed' && status.lastError?.cause === 'auth';
}
