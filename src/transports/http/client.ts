// HTTP plumbing for the sse and mcp transports: undici dispatchers owned by one connect attempt (direct
// or through the network layer's proxy, HTTP/2 where offered, bounded connect/header timeouts, no body
// timeout) and the small request helpers around it.

import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, Client, ProxyAgent, request } from 'undici';
import type { Dispatcher } from 'undici';
import type { EndpointConfig } from '../../core/config.ts';
import { CONNECT_TIMEOUT_MS, networkProfile } from '../net/index.ts';
import type { NetworkProfile } from '../net/index.ts';
import { proxyAuthorization, proxyOrigin } from '../net/proxy.ts';

export const HTTP_TIMEOUTS = {
  connectTimeoutMs: CONNECT_TIMEOUT_MS,
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

export interface HttpClient {
  /** The main lane (the stream, the requests before it, the sign-in fetches): one connection. */
  readonly dispatcher: Dispatcher;
  /** The lane for a request: `stream` marks the attempt's long-lived stream. */
  laneFor(stream: boolean): Dispatcher;
  readonly profile: NetworkProfile;
  /** `HTTP/2` or `HTTP/1.1`, from the ALPN of the last TLS connection (plain http is HTTP/1.1). */
  httpVersion(): string;
  close(): void;
}

type Connector = buildConnector.connector;

/** Wraps a connector to remember the ALPN protocol the server chose (h2 or http/1.1). */
function recordingAlpn(connect: Connector, https: boolean, record: (alpn: string) => void): Connector {
  return (options, callback) =>
    connect(options, (error, socket) => {
      if (socket && https) record((socket as Socket as TLSSocket).alpnProtocol || '');
      callback(error as Error & null, socket as Socket & null);
    });
}

/**
 * One attempt's dispatchers, so closing the attempt frees every socket it opened. Lanes of one
 * connection each (an undici Client per origin, not a Pool: a Pool's queue alone is 16 KiB). The main
 * lane carries everything until the stream holds it; the short requests beside that stream (pings)
 * then take turns on a second lane. Over HTTP/2 too: undici's Client sends a POST only when nothing
 * else runs on its connection, which is why a Pool opened a second one there as well.
 * Throws the network layer's TlsSetupError when a TLS file or passphrase is unusable (the caller
 * reports it as config).
 */
export function createHttpClient(config: EndpointConfig): HttpClient {
  const profile = networkProfile(config);
  const https = Boolean(profile.tls);
  let alpn = '';
  const record = (value: string) => {
    alpn = value;
  };
  const requestTls = profile.tls
    ? { secureContext: profile.tls.secureContext, rejectUnauthorized: profile.tls.rejectUnauthorized, allowH2: true }
    : { allowH2: false };
  const common = {
    allowH2: https,
    bodyTimeout: 0, // the core's watchdog owns idleness
    headersTimeout: HTTP_TIMEOUTS.headersTimeoutMs,
  };
  const route = profile.route;
  const lane = (): Dispatcher => {
    if (route.mode === 'proxy') {
      const token = proxyAuthorization(route);
      return new ProxyAgent({
        ...common,
        uri: proxyOrigin(route),
        ...(token ? { token } : {}),
        // A tunnel for http:// targets too: the proxy then relays bytes and never buffers the stream.
        proxyTunnel: true,
        connectTimeout: HTTP_TIMEOUTS.connectTimeoutMs,
        requestTls,
        proxyTls: profile.proxyTls ? { secureContext: profile.proxyTls.secureContext, rejectUnauthorized: route.strictSSL } : {},
        // The CONNECTs of a one-connection lane come one at a time.
        clientFactory: (origin, options) => new Client(origin, options),
        // The per-origin client's connect is the tunnel; wrapping it is how the ALPN inside it is seen.
        factory: (origin, options) => {
          const clientOptions = options as Client.Options & { connect: Connector };
          return new Client(origin, { ...clientOptions, connect: recordingAlpn(clientOptions.connect, https, record) });
        },
      });
    }
    return new Agent({
      ...common,
      connections: 1,
      connect: recordingAlpn(buildConnector({ timeout: HTTP_TIMEOUTS.connectTimeoutMs, ...requestTls }), https, record),
    });
  };
  const dispatcher = lane();
  let side: Dispatcher | undefined;
  let streamHeld = false;
  let closed = false;
  return {
    dispatcher,
    profile,
    laneFor(stream) {
      if (stream) streamHeld = true;
      // A closed client answers on the main lane, which fails at once like any destroyed dispatcher.
      if (stream || !streamHeld || closed) return dispatcher;
      side ??= lane();
      return side;
    },
    httpVersion: () => (alpn === 'h2' ? 'HTTP/2' : 'HTTP/1.1'),
    close() {
      if (closed) return;
      closed = true;
      dispatcher.destroy().catch(() => undefined);
      side?.destroy().catch(() => undefined);
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
  /** The attempt's long-lived stream (the SSE GET, MCP's GET or listen POST): it holds the main lane. */
  readonly stream?: boolean;
}

export function send(client: HttpClient, url: string, options: SendOptions): Promise<HttpResponse> {
  return request(url, {
    dispatcher: client.laneFor(options.stream ?? false),
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

/** Config headers first, then the protocol's own (which must win for Accept and friends). */
export function mergeHeaders(config: EndpointConfig, own: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = {};
  const ownLower = new Set(Object.keys(own).map((k) => k.toLowerCase()));
  for (const [name, value] of Object.entries(config.headers)) if (!ownLower.has(name.toLowerCase())) merged[name] = value;
  return { ...merged, ...own };
}
