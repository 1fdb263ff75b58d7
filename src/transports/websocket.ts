// WebSocket transport over `ws`: opens one socket (direct or through the network layer's proxy),
// reports messages, server pings and pongs as activity, answers probes with ping/pong round trips.
// What a close or a refusal means lives in websocket/close.ts.

import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { EndpointConfig } from '../core/config.ts';
import { StreamHealthError } from '../core/errors.ts';
import type { DropCause } from '../core/events.ts';
import type { ConnectContext, EndInfo, ProbeResult, Transport } from '../core/transport.ts';
import { networkProfile, probeDeadlineMs, proxyRefusal, startOrReport, windowBoundedMs, withRoute } from './net/index.ts';
import type { NetworkProfile } from './net/index.ts';
import { wsProxyAgent } from './net/proxy.ts';
import { serverText } from './serverText.ts';
import { classifyClose, classifyConnectError, httpRefusal, subprotocolMismatch } from './websocket/close.ts';

export { classifyClose, classifyConnectError, closeCodeName, httpRefusal, subprotocolMismatch, WS_CLOSE_NAMES } from './websocket/close.ts';

/** Bound on the opening handshake (TCP, proxy tunnel, TLS, HTTP upgrade), following the idle window. */
export function wsHandshakeTimeoutMs(config: Pick<EndpointConfig, 'idleTimeoutSeconds'>): number {
  return windowBoundedMs(config);
}
/** A polite close (manual, pause) waits this long for the peer's close frame, then terminates. */
export const WS_CLOSE_TIMEOUT_MS = 1_000;
/** How much of a refused upgrade's body we read for the excerpt, and how long we wait for it. */
const BODY_EXCERPT_BYTES = 4096;
const BODY_READ_TIMEOUT_MS = 2_000;

export class WsProbeError extends StreamHealthError {
  constructor(message: string) {
    super('SH_ERR_WS_PROBE', message);
    this.name = 'WsProbeError';
  }
}

interface PendingProbe {
  readonly started: number;
  readonly resolve: (result: ProbeResult) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export function connectWebSocket(context: ConnectContext): Transport {
  return new WsConnection(context).transport;
}

class WsConnection {
  readonly transport: Transport;
  private readonly context: ConnectContext;
  private socket: WebSocket | null = null;
  private opened = false;
  private ended = false;
  private closing: { readonly cause: DropCause; readonly detail: string } | null = null;
  private refusal: EndInfo | null = null;
  private lastError: (Error & { code?: string }) | null = null;
  private httpVersion = '1.1';
  /** `Sec-WebSocket-Protocol` of the 101 answer, for the mismatch message. */
  private serverProtocol: string | undefined;
  private profile: NetworkProfile | undefined;
  /** The proxy's answer to our CONNECT: a refused tunnel reaches ws as an ordinary HTTP answer. */
  private proxyStatus: number | undefined;
  private closeTimer: NodeJS.Timeout | null = null;
  private bodyTimer: NodeJS.Timeout | null = null;
  private probeSeq = 0;
  private readonly pending = new Map<string, PendingProbe>();

  constructor(context: ConnectContext) {
    this.context = context;
    this.transport = {
      probe: () => this.probe(),
      close: (cause: DropCause, detail: string) => this.close(cause, detail),
    };
    startOrReport(() => this.start(), (info) => this.finish(info));
  }

  private start(): void {
    const { config } = this.context;
    const profile = networkProfile(config);
    this.profile = profile;
    const options: WebSocket.ClientOptions & { secureContext?: unknown } = {
      headers: { ...config.headers },
      maxPayload: config.maxMessageBytes,
      handshakeTimeout: wsHandshakeTimeoutMs(config),
      followRedirects: false,
      // Invalid UTF-8 in a text message is counted and logged, and the stream goes on; `ws` would
      // otherwise close with 1007 and cost a reconnect for one bad message.
      skipUTF8Validation: true,
    };
    if (profile.tls) {
      // ws hands these to tls.connect, directly or inside the proxy's tunnel.
      options.secureContext = profile.tls.secureContext;
      options.rejectUnauthorized = profile.tls.rejectUnauthorized;
    }
    if (profile.route.mode === 'proxy') options.agent = wsProxyAgent(profile.route, (status) => (this.proxyStatus = status));
    const socket = new WebSocket(config.url, [...config.websocket.protocols], options);
    this.socket = socket;
    // Emitted before ws checks the answer, so a refused subprotocol can still be named.
    socket.on('upgrade', (response: IncomingMessage) => {
      this.httpVersion = response.httpVersion;
      this.context.sink.evidence({ headers: response.headers });
      const chosen = response.headers['sec-websocket-protocol'];
      this.serverProtocol = typeof chosen === 'string' ? chosen : undefined;
    });
    socket.on('open', () => this.onOpen());
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => this.onMessage(data, isBinary));
    // ws answers server pings itself; each one is a server heartbeat.
    socket.on('ping', (data: Buffer) => {
      if (!this.ended) this.context.sink.activity({ bytes: data.length, heartbeat: 'ws-ping' });
    });
    socket.on('pong', (data: Buffer) => this.onPong(data));
    socket.on('unexpected-response', (request, response: IncomingMessage) => this.onRefused(response));
    socket.on('error', (error: Error & { code?: string }) => {
      // The first error explains the close that follows; later ones are consequences.
      this.lastError ??= error;
    });
    socket.on('close', (code: number, reason: Buffer) => this.onClose(code, reason.toString('utf8')));
  }

  private onOpen(): void {
    if (this.ended || this.closing) return;
    this.opened = true;
    const socket = this.socket!;
    const tls = this.context.config.url.startsWith('wss:') ? ' over TLS' : '';
    this.context.sink.opened({
      detail: withRoute(`WebSocket, HTTP/${this.httpVersion} upgrade${tls}, subprotocol ${socket.protocol || 'none'}, extensions ${socket.extensions || 'none'}`, this.profile),
    });
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.ended) return;
    // ws delivers a Buffer with its default binaryType 'nodebuffer', which this socket keeps (fragments
    // are already joined); no conversion on the per-message path.
    const message = data as Buffer;
    this.context.sink.activity({ bytes: message.length });
    if (!isBinary && !isUtf8(message)) {
      this.context.sink.warning('a text message was not valid UTF-8 (counted; the stream goes on)');
    }
  }

  private onPong(data: Buffer): void {
    if (this.ended) return;
    this.context.sink.activity({ bytes: data.length, heartbeat: 'ws-pong', probeReply: true });
    const probe = this.pending.get(data.toString('latin1'));
    if (!probe) return;
    this.pending.delete(data.toString('latin1'));
    clearTimeout(probe.timer);
    probe.resolve({ kind: 'ws-ping', rttMs: Math.round((performance.now() - probe.started) * 10) / 10 });
  }

  /** Any HTTP answer but 101: keep a short excerpt of the body, then abort the handshake. */
  private onRefused(response: IncomingMessage): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finishRead = () => {
      if (done) return;
      done = true;
      if (this.bodyTimer) clearTimeout(this.bodyTimer);
      this.bodyTimer = null;
      const body = Buffer.concat(chunks).subarray(0, BODY_EXCERPT_BYTES).toString('utf8');
      if (!this.ended) this.context.sink.evidence({ headers: response.headers, body });
      const retryAfter = response.headers['retry-after'];
      const status = response.statusCode ?? 0;
      const byProxy = this.profile && this.proxyStatus !== undefined && this.proxyStatus !== 200 ? proxyRefusal(this.proxyStatus, this.profile.route, this.profile.host) : undefined;
      this.refusal = byProxy
        ? { cause: 'http-status', error: byProxy.error, httpStatus: status, detail: byProxy.detail, retryable: byProxy.retryable }
        : httpRefusal(status, response.statusMessage ?? '', String(response.headers['content-type'] ?? ''), body, typeof retryAfter === 'string' ? retryAfter : undefined, this.profile);
      response.destroy();
      // Still CONNECTING: terminate() aborts the request and ws emits 'close' next, which reports.
      this.socket?.terminate();
    };
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= BODY_EXCERPT_BYTES) finishRead();
    });
    response.on('end', finishRead);
    response.on('error', finishRead);
    response.on('close', finishRead);
    this.bodyTimer = setTimeout(finishRead, BODY_READ_TIMEOUT_MS);
    this.bodyTimer.unref();
  }

  private onClose(code: number, reason: string): void {
    if (this.ended) return;
    if (this.closing) this.finish({ cause: this.closing.cause, detail: this.closing.detail, retryable: true });
    else if (this.refusal) this.finish(this.refusal);
    else if (!this.opened && /subprotocol/i.test(this.lastError?.message ?? '')) this.finish(subprotocolMismatch(this.context.config.websocket.protocols, this.serverProtocol));
    else if (!this.opened) this.finish(classifyConnectError(this.lastError, this.profile?.classify));
    else this.finish(classifyClose(code, reason, this.lastError));
  }

  private probe(): Promise<ProbeResult> {
    return new Promise((resolve, reject) => {
      const socket = this.socket;
      if (this.ended || this.closing || !socket || socket.readyState !== WebSocket.OPEN) {
        reject(new WsProbeError('WebSocket probe: the socket is not open; wait for the next connect'));
        return;
      }
      const id = String(++this.probeSeq);
      const { config } = this.context;
      const deadlineMs = probeDeadlineMs(config);
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new WsProbeError(`WebSocket probe: no pong within ${deadlineMs} ms`));
      }, deadlineMs);
      timer.unref();
      this.pending.set(id, { started: performance.now(), resolve, reject, timer });
      socket.ping(Buffer.from(id, 'latin1'), undefined, (error?: Error) => {
        if (!error) return;
        const probe = this.pending.get(id);
        if (!probe) return;
        this.pending.delete(id);
        clearTimeout(probe.timer);
        reject(new WsProbeError(`WebSocket probe: ping not sent: ${serverText(error.message, 120)}`));
      });
    });
  }

  private close(cause: DropCause, detail: string): void {
    if (this.ended || this.closing) return;
    this.closing = { cause, detail };
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) {
      this.finish({ cause, detail, retryable: true });
      return;
    }
    // The watchdog has declared the peer dead: waiting for its close frame would be pointless.
    if (cause === 'watchdog' || socket.readyState !== WebSocket.OPEN) {
      socket.terminate();
      return;
    }
    socket.close(1000, `stream-health: ${cause}`);
    this.closeTimer = setTimeout(() => socket.terminate(), WS_CLOSE_TIMEOUT_MS);
    this.closeTimer.unref();
  }

  /** Called once the socket is closed (or never existed): clears timers and probes, reports once. */
  private finish(info: EndInfo): void {
    if (this.ended) return;
    this.ended = true;
    if (this.closeTimer) clearTimeout(this.closeTimer);
    if (this.bodyTimer) clearTimeout(this.bodyTimer);
    this.closeTimer = null;
    this.bodyTimer = null;
    for (const probe of this.pending.values()) {
      clearTimeout(probe.timer);
      probe.reject(new WsProbeError('WebSocket probe: the stream ended before the pong'));
    }
    this.pending.clear();
    this.socket?.terminate();
    this.socket = null;
    this.context.sink.ended(info);
  }
}
