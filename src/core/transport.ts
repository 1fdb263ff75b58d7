// The contract between the core and a transport: a transport opens one stream and reports what it
// sees through a TransportSink; the core decides what it means (states, watchdog, backoff, diagnosis).

import type { EndpointConfig } from './config.ts';
import type { DropCause, ErrorCause, HeartbeatKind, ProtocolCodes } from './events.ts';
import type { WireEvidence } from './hops.ts';
import type { CloseShape } from './intermediaries.ts';
import type { PostSample } from './keepaliveMismatch.ts';

/** State a transport keeps across reconnects of one endpoint (owned by the session, opaque to it). */
export interface ResumeState {
  /** Last SSE `id:` seen, sent back as `Last-Event-ID`. */
  lastEventId?: string;
  /** Anything else a transport wants to remember (e.g. the MCP era it detected). */
  [key: string]: unknown;
}

export interface ConnectContext {
  /** The endpoint as configured, with `headers` already resolved (secrets substituted). */
  readonly config: EndpointConfig;
  readonly sink: TransportSink;
  readonly resume: ResumeState;
  /** Attempt number of this connect, 1-based; for logs only. */
  readonly attempt: number;
}

export interface OpenInfo {
  /** Human summary shown in the `open` event, e.g. `MCP 2025-11-25, HTTP/1.1, GET stream`. */
  readonly detail: string;
}

export interface Activity {
  /** Bytes received on the stream for this item (payload size, best effort). */
  readonly bytes: number;
  /** Set when the item is a server heartbeat (SSE comment, WS ping, gRPC keepalive message...). */
  readonly heartbeat?: HeartbeatKind;
  /**
   * The item answers our own probe (a WS pong, an HTTP+SSE ping result): it proves the stream is alive
   * and is reported as a `heartbeat` event, but it is not the server's heartbeat, so it must not count
   * toward the server's cadence or hide a `no-server-heartbeat` finding.
   */
  readonly probeReply?: boolean;
}

/**
 * How a stream (or an attempt to open one) ended. Before `opened()` the core reports it as an `error`
 * event using `error`; after, as a `drop` event using `cause`.
 */
export interface EndInfo extends ProtocolCodes {
  readonly cause: DropCause;
  /** Short human explanation, escaped/truncated by the transport (never a secret). */
  readonly detail: string;
  /** Set when the attempt failed before the stream opened. */
  readonly error?: ErrorCause;
  /** false for 401/403, 404 with no fallback, unusable config: the session goes to `failed`. */
  readonly retryable: boolean;
  /** Server hint for the next attempt (HTTP `Retry-After`, SSE `retry:`), clamped by the core. */
  readonly retryAfterMs?: number;
  /**
   * The server answered with an HTML page where a stream was expected. A fact, not a verdict: the
   * diagnosis decides from the status whether it was a gateway's (5xx) or a login/wrong-URL page.
   */
  readonly htmlErrorPage?: boolean;
  /** How the stream ended on the wire (terminal chunk or not, RST_STREAM code...), when the transport can tell. */
  readonly end?: CloseShape;
}

/** Everything a transport may tell the core. Calls after `ended()` are ignored. */
export interface TransportSink {
  opened(info: OpenInfo): void;
  activity(activity: Activity): void;
  /** A non-fatal oddity worth a log line: invalid UTF-8 or JSON, an unknown event... (counted). */
  warning(message: string): void;
  /** A server hint that applies to future reconnects without ending the stream (SSE `retry:`). */
  retryHint(ms: number): void;
  /**
   * What identifies the hops a response of this session went through (its headers or gRPC metadata,
   * an error page's first bytes, a status message). Call it for every response, including MCP POSTs
   * and the WebSocket upgrade; the core keeps only catalogue fingerprints, bounded.
   */
  evidence(evidence: WireEvidence): void;
  /**
   * One POST's outcome and the quiet gap before it (MCP pings and requests), for keepalive-mismatch.
   * Optional: only transports that POST on pooled connections report it.
   */
  post?(sample: PostSample): void;
  /** Exactly once per connect; after it the transport holds no sockets or timers. */
  ended(info: EndInfo): void;
}

export interface ProbeResult {
  readonly kind: HeartbeatKind;
  readonly rttMs: number;
}

export interface Transport {
  /**
   * A client heartbeat or liveness probe (MCP `ping`, WebSocket ping, gRPC `Health/Check`).
   * Resolves when answered, rejects when it fails. Undefined when the kind has none (plain SSE).
   * Answers that arrive on the stream itself (a WS pong) are also reported as `activity`.
   */
  readonly probe?: () => Promise<ProbeResult>;
  /**
   * Abort the stream now (watchdog, user reconnect, pause, shutdown). The transport then calls
   * `ended()` with the given cause (unless it already ended) and frees its resources. Idempotent.
   */
  close(cause: DropCause, detail: string): void;
}

/** Creates and starts one connect attempt; must not throw (report failures through `sink.ended`). */
export type TransportFactory = (context: ConnectContext) => Transport;
