// The one event stream the core emits (docs/design.md "Events"). The CLI prints it as NDJSON, the extension
// logs and draws it: field names here are a public contract, so change them only with docs/design.md.

import type { Hop } from './hops.ts';
import type { CloseShape } from './intermediaries.ts';

export type HeartbeatDirection = 'in' | 'out';

/** Where a heartbeat came from; open-ended so a transport can name a new kind without a core change. */
export type HeartbeatKind =
  | 'sse-comment'
  | 'ws-ping'
  | 'ws-pong'
  | 'mcp-ping'
  | 'grpc-check'
  | 'grpc-message'
  | (string & {});

/** Why an open stream ended. */
export type DropCause =
  | 'watchdog'
  | 'eof'
  | 'reset'
  | 'http-status'
  | 'grpc-status'
  | 'ws-close'
  | 'protocol-error'
  | 'manual';

export const DROP_CAUSES: readonly DropCause[] = [
  'watchdog', 'eof', 'reset', 'http-status', 'grpc-status', 'ws-close', 'protocol-error', 'manual',
];

/**
 * The status codes a stream's end can carry, one per protocol layer; declared once here and shared by
 * the transport's report (EndInfo), the event (DropEvent) and the history (DropRecord).
 */
export interface ProtocolCodes {
  readonly httpStatus?: number;
  readonly grpcCode?: number;
  readonly wsCloseCode?: number;
}

/** Why a connection attempt failed before the stream opened. */
/** `auth`: the server asked for an OAuth sign-in (a Bearer challenge); not retried until the user signs in. */
export const ERROR_CAUSES = ['connect-failed', 'http-status', 'tls', 'dns', 'proxy', 'config', 'auth'] as const;
export type ErrorCause = (typeof ERROR_CAUSES)[number];

export type FindingKind =
  | 'intermediary-idle-timeout'
  | 'stream-lifetime-limit'
  | 'silent-dead-connection'
  | 'no-server-heartbeat'
  | 'gateway-timeout'
  | 'flapping'
  | 'keepalive-mismatch';

interface EventBase {
  /** Wall-clock ISO 8601, for display and logs; durations are measured on the monotonic clock. */
  readonly ts: string;
  readonly endpoint: string;
}

export interface ConnectingEvent extends EventBase { readonly event: 'connecting'; readonly attempt: number }
export interface OpenEvent extends EventBase { readonly event: 'open'; readonly detail: string }
export interface HeartbeatEvent extends EventBase {
  readonly event: 'heartbeat';
  readonly direction: HeartbeatDirection;
  readonly kind: HeartbeatKind;
  readonly rttMs?: number;
}
export interface MessageEvent extends EventBase { readonly event: 'message'; readonly bytes: number }
export interface StaleEvent extends EventBase { readonly event: 'stale'; readonly silenceMs: number }
/** What is known about a drop: the same fields on the `drop` event and in the history's DropRecord. */
export interface DropFacts extends ProtocolCodes {
  readonly cause: DropCause;
  readonly streamAgeMs: number;
  readonly silenceMs: number;
  readonly detail: string;
  /** A liveness probe had been answered within the idle window before this drop. */
  readonly peerAlive?: boolean;
  /** The failure was an HTML/non-stream error page (gateway). */
  readonly htmlErrorPage?: boolean;
  /** How the stream ended on the wire (`truncated`, `rst-internal-error`, `clean`...), when the transport could tell. */
  readonly end?: CloseShape;
  /** The hops the session's responses named, outermost first. */
  readonly hops?: readonly Hop[];
}
export interface DropEvent extends EventBase, DropFacts {
  readonly event: 'drop';
}
export interface ErrorEvent extends EventBase {
  readonly event: 'error';
  readonly cause: ErrorCause;
  readonly message: string;
  readonly httpStatus?: number;
  readonly htmlErrorPage?: boolean;
  readonly hops?: readonly Hop[];
}
export interface BackoffEvent extends EventBase { readonly event: 'backoff'; readonly attempt: number; readonly delayMs: number }
export interface DiagnosisEvent extends EventBase {
  readonly event: 'diagnosis';
  readonly finding: FindingKind;
  readonly message: string;
  readonly evidence: number;
  readonly estimateMs?: number;
  readonly recommendedHeartbeatMs?: number;
  readonly match?: string;
  /** The path as far as it was seen, outermost first: `[{ name, evidence }]`. */
  readonly hops?: readonly Hop[];
  /** keepalive-mismatch: max - min of the failing gaps (ms) the estimate is the median of. */
  readonly spreadMs?: number;
}
export interface PausedEvent extends EventBase { readonly event: 'paused' }
export interface ResumedEvent extends EventBase { readonly event: 'resumed' }

export type StreamEvent =
  | ConnectingEvent
  | OpenEvent
  | HeartbeatEvent
  | MessageEvent
  | StaleEvent
  | DropEvent
  | ErrorEvent
  | BackoffEvent
  | DiagnosisEvent
  | PausedEvent
  | ResumedEvent;

export type StreamEventName = StreamEvent['event'];

export type Listener<T> = (value: T) => void;

/** Minimal typed emitter for the core (no Node `events` import, so the core stays platform-free). */
export class Emitter<T> {
  /** Where listener exceptions go; the extension points it at its log. */
  static onListenerError: (error: unknown) => void = (error) => console.error('stream-health: listener failed:', error);

  private listeners = new Set<Listener<T>>();
  /** Copy-on-write snapshot emit() iterates, so adding or removing a listener mid-emit is safe without copying per event. */
  private snapshot: readonly Listener<T>[] = [];

  /** Returns a function that unsubscribes; calling it twice is harmless. */
  on(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    this.snapshot = [...this.listeners];
    return () => {
      if (this.listeners.delete(listener)) this.snapshot = [...this.listeners];
    };
  }

  emit(value: T): void {
    for (const listener of this.snapshot) {
      // A throwing listener (a UI bug) must not break the session that emitted.
      try {
        listener(value);
      } catch (error) {
        Emitter.onListenerError(error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
    this.snapshot = [];
  }

  get size(): number {
    return this.listeners.size;
  }
}
