// Shared HTTP plumbing for the sse and mcp transports: one undici Agent per connect attempt (TLS,
// HTTP/2 where offered, bounded connect/header timeouts, no body timeout), error and status mapping.

import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, request } from 'undici';
import type { Dispatcher } from 'undici';
import type { EndpointConfig } from '../core/config.ts';
import type { ErrorCause } from '../core/events.ts';
import type { ConnectContext, EndInfo } from '../core/transport.ts';
import { OversizeEventError } from './sseStream.ts';
import type { SseReader } from './sseStream.ts';
import { isHtmlPage, parseRetryAfter, serverText } from './serverText.ts';

export const HTTP_TIMEOUTS = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 15_000,
  /** Small requests beside the stream (initialize, ping, DELETE) must not hang forever. */
  requestTimeoutMs: 15_000,
  /** Connect + every handshake step until the stream is open. */
  handshakeTimeoutMs: 30_000,
  handshakeFloorMs: 3_000,
  /** Bytes of a non-stream error body read for the excerpt. */
  excerptReadBytes: 8 * 1024,
  excerptChars: 200,
} as const;

/** A tls.caFile that cannot be read: the config is unusable until the user fixes the path. */
export class CaFileError extends Error {
  readonly code = 'SH_ERR_CA_FILE';
  constructor(path: string, reason: string) {
    super(`tls.caFile "${path}" cannot be read (${reason}); fix the path or clear the setting`);
    this.name = 'CaFileError';
  }
}

export interface HttpClient {
  readonly dispatcher: Agent;
  /** `HTTP/2` or `HTTP/1.1`, from the ALPN of the last TLS connection (plain http is HTTP/1.1). */
  httpVersion(): string;
  close(): void;
}

/** One Agent per attempt, so closing the attempt frees every socket it opened. */
export function createHttpClient(config: EndpointConfig): HttpClient {
  const https = config.url.startsWith('https:');
  let ca: string | undefined;
  if (config.tls.caFile) {
    try {
      ca = readFileSync(config.tls.caFile, 'utf8');
    } catch (error) {
      throw new CaFileError(config.tls.caFile, (error as NodeJS.ErrnoException).code ?? 'unreadable');
    }
  }
  let alpn = '';
  const base = buildConnector({
    timeout: HTTP_TIMEOUTS.connectTimeoutMs,
    rejectUnauthorized: config.tls.rejectUnauthorized,
    ...(ca ? { ca } : {}),
    allowH2: https,
  });
  const connect: buildConnector.connector = (options, callback) =>
    base(options, (error, socket) => {
      if (socket && https) alpn = (socket as Socket as TLSSocket).alpnProtocol || '';
      callback(error as Error & null, socket as Socket & null);
    });
  const dispatcher = new Agent({
    connect,
    allowH2: https,
    bodyTimeout: 0, // the core's watchdog owns idleness
    headersTimeout: HTTP_TIMEOUTS.headersTimeoutMs,
  });
  let closed = false;
  return {
    dispatcher,
    httpVersion: () => (alpn === 'h2' ? 'HTTP/2' : 'HTTP/1.1'),
    close() {
      if (closed) return;
      closed = true;
      dispatcher.destroy().catch(() => undefined);
    },
  };
}

export type HttpResponse = Dispatcher.ResponseData;

/**
 * An AbortSignal that fires after `ms`, with a `clear()` to call as soon as the request is done, so
 * hundreds of short requests never leave hundreds of pending timers behind (AbortSignal.timeout would).
 */
export function timeoutSignal(ms: number, what: string): { readonly signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

export interface SendOptions {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly signal: AbortSignal;
}

export function send(client: HttpClient, url: string, options: SendOptions): Promise<HttpResponse> {
  return request(url, {
    dispatcher: client.dispatcher,
    method: options.method,
    headers: options.headers,
    body: options.body,
    signal: options.signal,
  });
}

export function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function mediaType(response: HttpResponse): string {
  return (header(response, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Drops a response body we no longer want. undici's BodyReadable emits an `error` (RequestAbortedError)
 * when destroyed before its end, so swallow that one: nobody else is listening.
 */
export function discard(response: HttpResponse): void {
  const body = response.body;
  if (body.destroyed) return;
  body.on('error', () => undefined);
  body.destroy();
}

/** Reads at most `limit` bytes of a body, then discards the rest (and the connection with it). */
export async function readBodyText(response: HttpResponse, limit: number): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of response.body) {
      const buffer = chunk as Buffer;
      chunks.push(buffer);
      size += buffer.length;
      if (size >= limit) {
        truncated = true;
        break;
      }
    }
  } finally {
    discard(response);
  }
  const all = Buffer.concat(chunks);
  return { text: new TextDecoder('utf-8', { fatal: false }).decode(all.subarray(0, limit)), truncated };
}

/** The EndInfo for a non-2xx (or non-stream) answer before the stream opened. */
export async function statusFailure(response: HttpResponse, what: string, retryableNotFound = false): Promise<EndInfo> {
  const status = response.statusCode;
  const type = mediaType(response);
  const { text } = await readBodyText(response, HTTP_TIMEOUTS.excerptReadBytes).catch(() => ({ text: '' }));
  const excerpt = serverText(text, HTTP_TIMEOUTS.excerptChars);
  const htmlErrorPage = isHtmlPage(type, text);
  const ok = status >= 200 && status < 300;
  const reason = ok ? `answered ${status} with ${type || 'no content type'} instead of text/event-stream` : `answered HTTP ${status}`;
  let hint = '';
  if (status === 401 || status === 403) hint = '; check the endpoint headers (credentials); not retried until you reconnect';
  else if (status === 404 && !retryableNotFound) hint = '; check the URL; not retried until you reconnect';
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(header(response, 'retry-after')) : undefined;
  const retryable = !(status === 401 || status === 403 || (status === 404 && !retryableNotFound));
  return {
    cause: 'http-status',
    error: 'http-status',
    httpStatus: status,
    detail: `${what} ${reason}${excerpt ? `: ${excerpt}` : ''}${hint}`,
    retryable,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    // The raw fact, as the other transports report it; whether the page is a gateway's is the
    // diagnosis's call, made from the status (core/diagnosis.ts gatewayTimeout).
    ...(htmlErrorPage ? { htmlErrorPage: true } : {}),
  };
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** All `code`s along an error's cause chain (undici wraps the socket error). */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) for (const inner of errors) codes.push(...errorCodes(inner));
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

function errorMessage(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 3; depth++) {
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && message && !parts.includes(message)) parts.push(message);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(': ') || String(error);
}

/** A thrown error before the stream opened (connect, DNS, TLS, header timeout). */
export function connectFailure(error: unknown, url: string): EndInfo {
  const codes = errorCodes(error);
  const host = safeHost(url);
  const message = errorMessage(error);
  let cause: ErrorCause = 'connect-failed';
  let detail = `cannot connect to ${host}: ${message}`;
  if (codes.some((c) => c === 'ENOTFOUND' || c === 'EAI_AGAIN' || c === 'EAI_NONAME')) {
    cause = 'dns';
    detail = `cannot resolve ${host} (${codes.find((c) => c.startsWith('E'))}); check the host name and your DNS`;
  } else if (codes.some((c) => TLS_CODES.has(c)) || /certificate|self[- ]signed|SSL/i.test(message)) {
    cause = 'tls';
    detail = `TLS handshake with ${host} failed (${codes.find((c) => TLS_CODES.has(c)) ?? message}); fix the server certificate, or set tls.caFile to the CA that signed it`;
  } else if (codes.includes('ECONNREFUSED')) {
    detail = `connection to ${host} refused; is the server running on that port?`;
  } else if (codes.includes('UND_ERR_CONNECT_TIMEOUT')) {
    detail = `connecting to ${host} timed out after ${HTTP_TIMEOUTS.connectTimeoutMs / 1000} s`;
  } else if (codes.includes('UND_ERR_HEADERS_TIMEOUT')) {
    detail = `${host} accepted the connection but sent no response headers within ${HTTP_TIMEOUTS.headersTimeoutMs / 1000} s`;
  }
  return { cause: 'reset', error: cause, detail, retryable: true };
}

/** A thrown error while reading an open stream's body. */
export function streamFailure(error: unknown): EndInfo {
  return { cause: 'reset', detail: `stream broken: ${errorMessage(error)}`, retryable: true };
}

/** host:port only: never the path or query, which may carry tokens. */
export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the endpoint';
  }
}

/** Config headers first, then the protocol's own (which must win for Accept and friends). */
export function mergeHeaders(config: EndpointConfig, own: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = {};
  const ownLower = new Set(Object.keys(own).map((k) => k.toLowerCase()));
  for (const [name, value] of Object.entries(config.headers)) if (!ownLower.has(name.toLowerCase())) merged[name] = value;
  return { ...merged, ...own };
}

/**
 * How long connect + handshake may take. A server silent for a whole idle window is as dead before the
 * stream opens as after, so the window bounds it too (with a floor for multi-step MCP handshakes).
 */
export function handshakeLimitMs(config: EndpointConfig): number {
  const windowMs = Math.round(config.idleTimeoutSeconds * 1000);
  if (windowMs <= 0) return HTTP_TIMEOUTS.handshakeTimeoutMs;
  return Math.min(HTTP_TIMEOUTS.handshakeTimeoutMs, Math.max(HTTP_TIMEOUTS.handshakeFloorMs, windowMs));
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
      const detail = error instanceof Error ? error.message : String(error);
      // Reported asynchronously: the factory must return before the sink hears anything.
      queueMicrotask(() => this.end({ cause: 'protocol-error', error: 'config', detail, retryable: false }));
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
  get http(): HttpClient {
    if (!this.client) throw new Error('no HTTP client (attempt failed at setup)');
    return this.client;
  }

  open(detail: string): void {
    if (this.hasEnded || this.hasOpened) return;
    this.hasOpened = true;
    this.clearHandshakeTimer();
    this.context.sink.opened({ detail });
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
      this.end(this.hasOpened ? streamFailure(error) : connectFailure(error, this.context.config.url));
    }
  }

  send(url: string, options: Omit<SendOptions, 'signal'> & { signal?: AbortSignal }): Promise<HttpResponse> {
    const signal = options.signal ? AbortSignal.any([this.signal, options.signal]) : this.signal;
    return send(this.http, url, { ...options, signal });
  }
}

/** The server spoke the protocol wrongly (bad handshake answer, missing endpoint event...). */
export class ProtocolViolation extends Error {
  readonly code = 'SH_ERR_PROTOCOL';
  readonly retryable: boolean;
  constructor(message: string, retryable = true) {
    super(message);
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
    attempt.end({ cause: 'eof', detail: 'the server ended the stream cleanly', retryable: true });
  } catch (error) {
    attempt.fail(error);
  } finally {
    discard(response);
  }
}
