// One connect attempt of the sse and mcp transports: owns the HTTP client and an AbortController,
// bounds the handshake, reports `opened` at most once and `ended` exactly once, and pumps the
// event-stream body once it is open.

import type { EndpointConfig } from '../../core/config.ts';
import { StreamHealthError } from '../../core/errors.ts';
import type { WireEvidence } from '../../core/hops.ts';
import type { ConnectContext, EndInfo } from '../../core/transport.ts';
import { setupFailure, windowBoundedMs, withRoute } from '../net/index.ts';
import { OversizeEventError } from '../sseStream.ts';
import type { SseReader } from '../sseStream.ts';
import { createHttpClient, discard, HTTP_TIMEOUTS, send } from './client.ts';
import type { HttpClient, HttpResponse, SendOptions } from './client.ts';
import { connectFailure, streamFailure } from './failures.ts';
import type { SignInContext } from './failures.ts';

/**
 * How long connect + handshake may take. A server silent for a whole idle window is as dead before the
 * stream opens as after, so the window bounds it too (with a floor for multi-step MCP handshakes).
 */
export function handshakeLimitMs(config: EndpointConfig): number {
  return windowBoundedMs(config, HTTP_TIMEOUTS.handshakeTimeoutMs, HTTP_TIMEOUTS.handshakeFloorMs);
}

/**
 * One connect attempt's lifecycle: owns the Agent and an AbortController, reports `opened` at most once
 * and `ended` exactly once, and frees everything when it ends.
 */
export class HttpAttempt {
  readonly context: ConnectContext;
  readonly client: HttpClient | undefined;
  private readonly controller = new AbortController();
  private hasOpened = false;
  private hasEnded = false;
  /** Cleanups registered by the protocol (e.g. a best-effort DELETE of an MCP session). */
  private readonly onEnd: Array<(info: EndInfo) => void> = [];
  /** Bounds the whole handshake: headers arrive in time but a body may stall (bodyTimeout is off). */
  private handshakeTimer: NodeJS.Timeout | null = null;

  constructor(context: ConnectContext) {
    this.context = context;
    try {
      this.client = createHttpClient(context.config);
    } catch (error) {
      this.client = undefined;
      // Reported asynchronously: the factory must return before the sink hears anything.
      queueMicrotask(() => this.end(setupFailure(error)));
      return;
    }
    const limitMs = handshakeLimitMs(context.config);
    this.handshakeTimer = setTimeout(() => {
      this.handshakeTimer = null;
      this.end({ cause: 'reset', error: 'connect-failed', detail: `no stream within ${limitMs / 1000} s of connecting: the server accepted the connection but did not answer (frozen or overloaded?)`, retryable: true });
    }, limitMs);
    this.handshakeTimer.unref();
  }

  private clearHandshakeTimer(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }
  get ended(): boolean {
    return this.hasEnded;
  }
  get opened(): boolean {
    return this.hasOpened;
  }
  /** Where a Bearer challenge is followed up (the protected-resource metadata), through this attempt's client. */
  get signIn(): SignInContext | undefined {
    // `"auth": "none"`: the user does not want sign-in here, so a Bearer challenge stays a plain 401.
    if (!this.client || this.context.config.auth?.signIn === false) return undefined;
    return { client: this.client, serverUrl: this.context.config.url };
  }
  get http(): HttpClient {
    if (!this.client) throw new Error('no HTTP client (attempt failed at setup)');
    return this.client;
  }

  open(detail: string): void {
    if (this.hasEnded || this.hasOpened) return;
    this.hasOpened = true;
    this.clearHandshakeTimer();
    this.context.sink.opened({ detail: withRoute(detail, this.http.profile) });
  }

  whenEnded(cleanup: (info: EndInfo) => void): void {
    this.onEnd.push(cleanup);
  }

  end(given: EndInfo): void {
    if (this.hasEnded) return;
    this.hasEnded = true;
    this.clearHandshakeTimer();
    // Before `opened` the core reports an `error`, which needs an error cause.
    const info: EndInfo =
      !this.hasOpened && !given.error && given.cause !== 'manual' && given.cause !== 'watchdog' ? { ...given, error: 'connect-failed' } : given;
    this.controller.abort();
    for (const cleanup of this.onEnd) {
      try {
        cleanup(info);
      } catch {
        // cleanup is best effort; the stream is over either way
      }
    }
    this.client?.close();
    this.context.sink.ended(info);
  }

  /** A thrown error: before open it is a connect failure, after it a broken stream. */
  fail(error: unknown): void {
    if (this.hasEnded) return;
    if (error instanceof OversizeEventError) {
      this.end({ cause: 'protocol-error', detail: error.message, retryable: true });
    } else if (error instanceof ProtocolViolation) {
      this.end({ cause: 'protocol-error', ...(this.hasOpened ? {} : { error: 'connect-failed' as const }), detail: error.message, retryable: error.retryable });
    } else {
      this.end(this.hasOpened ? streamFailure(error) : connectFailure(error, this.http.profile));
    }
  }

  /** Every response of the attempt (stream GET, MCP POSTs) shows its headers to the core: they name the hops. */
  async send(url: string, options: Omit<SendOptions, 'signal'> & { signal?: AbortSignal }): Promise<HttpResponse> {
    const signal = options.signal ? AbortSignal.any([this.signal, options.signal]) : this.signal;
    const response = await send(this.http, url, { ...options, signal });
    if (!this.hasEnded) this.context.sink.evidence({ headers: response.headers });
    return response;
  }

  /** Reports what identifies a hop (an error page's first bytes) while the attempt is live. */
  readonly report = (evidence: WireEvidence): void => {
    if (!this.hasEnded) this.context.sink.evidence(evidence);
  };
}

/** The server spoke the protocol wrongly (bad handshake answer, missing endpoint event...). */
export class ProtocolViolation extends StreamHealthError {
  readonly retryable: boolean;
  constructor(message: string, retryable = true) {
    super('SH_ERR_PROTOCOL', message);
    this.name = 'ProtocolViolation';
    this.retryable = retryable;
  }
}

/** Feeds an open event-stream body to the reader until it ends; a clean end is an `eof` drop. */
export async function pumpEventStream(attempt: HttpAttempt, response: HttpResponse, reader: SseReader): Promise<void> {
  try {
    for await (const chunk of response.body) {
      if (attempt.ended) break;
      reader.push(chunk as Buffer);
    }
    // Clean as far as HTTP goes: a proxy that gives up on a silent upstream can end it this way too.
    attempt.end({ cause: 'eof', detail: 'the stream ended cleanly (by the server, or by a proxy on the way)', retryable: true, end: 'clean' });
  } catch (error) {
    attempt.fail(error);
  } finally {
    discard(response);
  }
}
