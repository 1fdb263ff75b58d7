// WebSocket transport over `ws`: opens one socket, reports messages, server pings and pongs as
// activity, answers probes with ping/pong round trips, and maps close codes and HTTP refusals.

import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import WebSocket from 'ws';
import type { EndpointConfig } from '../core/config.ts';
import { idleWindowMs } from '../core/config.ts';
import { StreamHealthError } from '../core/errors.ts';
import type { DropCause, ErrorCause } from '../core/events.ts';
import type { ConnectContext, EndInfo, ProbeResult, Transport } from '../core/transport.ts';
import { isHtmlPage, parseRetryAfter, serverText } from './serverText.ts';

/**
 * Bound on the opening handshake (TCP + TLS + HTTP upgrade). A peer silent for a whole idle window is
 * dead by the user's own definition, so a short window shortens the wait, within floor and cap.
 */
export const WS_HANDSHAKE_TIMEOUT_MS = 10_000;
const HANDSHAKE_TIMEOUT_FLOOR_MS = 2_000;

export function wsHandshakeTimeoutMs(config: Pick<EndpointConfig, 'idleTimeoutSeconds'>): number {
  const windowMs = idleWindowMs(config);
  return windowMs > 0 ? Math.min(WS_HANDSHAKE_TIMEOUT_MS, Math.max(HANDSHAKE_TIMEOUT_FLOOR_MS, windowMs)) : WS_HANDSHAKE_TIMEOUT_MS;
}
/** A polite close (manual, pause) waits this long for the peer's close frame, then terminates. */
export const WS_CLOSE_TIMEOUT_MS = 1_000;
/** Probe deadline follows the heartbeat cadence within these bounds, so pings never pile up. */
const PROBE_DEADLINE_MIN_MS = 1_000;
const PROBE_DEADLINE_MAX_MS = 10_000;
/** How much of a refused upgrade's body we read for the excerpt, and how long we wait for it. */
const BODY_EXCERPT_BYTES = 4096;
const BODY_READ_TIMEOUT_MS = 2_000;
const EXCERPT_CHARS = 160;
const REASON_CHARS = 123;

export const WS_CLOSE_NAMES: Readonly<Record<number, string>> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status code',
  1006: 'abnormal closure',
  1007: 'invalid payload data',
  1008: 'policy violation',
  1009: 'message too big',
  1010: 'mandatory extension',
  1011: 'internal error',
  1012: 'service restart',
  1013: 'try again later',
  1014: 'bad gateway',
  1015: 'TLS handshake failure',
};
const ABNORMAL_CLOSURE = 1006;

/** ws error codes for frames we refused, and the close code ws sends for each (RFC 6455 7.4.1). */
const WS_ERROR_CLOSE_CODES: Readonly<Record<string, number>> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009,
  WS_ERR_INVALID_UTF8: 1007,
  WS_ERR_INVALID_CLOSE_CODE: 1002,
  WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH: 1002,
  WS_ERR_INVALID_OPCODE: 1002,
  WS_ERR_EXPECTED_FIN: 1002,
  WS_ERR_EXPECTED_MASK: 1002,
  WS_ERR_UNEXPECTED_MASK: 1002,
  WS_ERR_UNEXPECTED_RSV_1: 1002,
  WS_ERR_UNEXPECTED_RSV_2_3: 1002,
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: 1009,
};

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
const TLS_CODE = /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH|ERR_CERT)/;

export class WsProbeError extends StreamHealthError {
  constructor(message: string) {
    super('SH_ERR_WS_PROBE', message);
    this.name = 'WsProbeError';
  }
}

export function closeCodeName(code: number): string {
  if (WS_CLOSE_NAMES[code]) return WS_CLOSE_NAMES[code]!;
  return code >= 4000 && code <= 4999 ? 'application-defined' : 'unknown';
}

/** A refused upgrade (any HTTP answer but 101): 401/403/404 cannot be fixed by retrying. */
export function httpRefusal(status: number, statusText: string, contentType: string, body: string, retryAfter?: string): EndInfo {
  const htmlErrorPage = isHtmlPage(contentType, body);
  const excerpt = serverText(body, EXCERPT_CHARS);
  const what = htmlErrorPage ? 'an HTML error page (a proxy or gateway answered instead of the WebSocket server)' : 'no upgrade';
  const detail = `HTTP ${status}${statusText ? ` ${serverText(statusText, 40)}` : ''} on the WebSocket upgrade, ${what}${excerpt ? `: "${excerpt}"` : ''}`;
  const retryable = status !== 401 && status !== 403 && status !== 404;
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(retryAfter) : undefined;
  return {
    cause: 'http-status', error: 'http-status', httpStatus: status, detail, retryable,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(htmlErrorPage ? { htmlErrorPage } : {}),
  };
}

/** Why the socket could not be opened, from the error `ws` or the network reported. */
export function classifyConnectError(error: (Error & { code?: string }) | null): EndInfo {
  const message = error ? serverText(error.message, 200) : 'closed before the upgrade completed';
  const code = error?.code ?? '';
  let kind: ErrorCause = 'connect-failed';
  if (DNS_CODES.has(code)) kind = 'dns';
  else if (TLS_CODE.test(code) || /certificate|SSL routines|TLS/i.test(error?.message ?? '')) kind = 'tls';
  const cause: DropCause = code.startsWith('WS_ERR_') || /Invalid (Sec-WebSocket|Upgrade)|subprotocol|extension/i.test(error?.message ?? '') ? 'protocol-error' : 'reset';
  return { cause, error: kind, detail: `${code ? `${code}: ` : ''}${message}`, retryable: true };
}

/**
 * The upgrade succeeded but the subprotocols disagree (`ws` refuses the socket). The server will
 * answer the same way next time, so this fails instead of retrying, and says which setting to change.
 */
export function subprotocolMismatch(offered: readonly string[], chosen: string | undefined): EndInfo {
  const chose = chosen ? `"${serverText(chosen, 60)}"` : '';
  const list = offered.join(', ');
  const detail = offered.length === 0
    ? `the server chose subprotocol ${chose} but none was offered: add it to websocket.protocols`
    : chosen
      ? `the server chose subprotocol ${chose}, which was not offered (${list}): add it to websocket.protocols`
      : `the server accepted none of the offered subprotocols (${list}): list one it supports in websocket.protocols`;
  return { cause: 'protocol-error', error: 'config', detail, retryable: false };
}

/** How an open socket's close maps to a drop: 1006 is a reset, a refused frame a protocol error. */
export function classifyClose(code: number, reason: string, error: (Error & { code?: string }) | null): EndInfo {
  const errorCode = error?.code ?? '';
  if (errorCode in WS_ERROR_CLOSE_CODES) {
    const wsCloseCode = WS_ERROR_CLOSE_CODES[errorCode]!;
    return {
      cause: 'protocol-error', wsCloseCode, retryable: true,
      detail: `refused a frame from the server and closed with ${wsCloseCode} ${closeCodeName(wsCloseCode)}: ${serverText(error!.message, 200)}`,
    };
  }
  const why = reason ? `: "${serverText(reason, REASON_CHARS)}"` : '';
  if (code === ABNORMAL_CLOSURE) {
    const cause = error ? ` (${serverText(`${errorCode ? `${errorCode}: ` : ''}${error.message}`, 200)})` : '';
    return { cause: 'reset', wsCloseCode: code, retryable: true, detail: `connection lost without a close frame, 1006 abnormal closure${cause}` };
  }
  return { cause: 'ws-close', wsCloseCode: code, retryable: true, detail: `closed by the server with ${code} ${closeCodeName(code)}${why}` };
}

/** A message as one Buffer, whatever shape `ws` delivered it in (fragments, ArrayBuffer). */
function messageBuffer(data: WebSocket.RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
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
    try {
      this.start();
    } catch (error) {
      // Unreadable caFile, a header ws refuses: a config problem, reported after return.
      const message = error instanceof Error ? error.message : String(error);
      queueMicrotask(() =>
        this.finish({ cause: 'protocol-error', error: 'config', detail: `cannot open the WebSocket: ${serverText(message, 200)}`, retryable: false }),
      );
    }
  }

  private start(): void {
    const { config } = this.context;
    const options: WebSocket.ClientOptions = {
      headers: { ...config.headers },
      maxPayload: config.maxMessageBytes,
      handshakeTimeout: wsHandshakeTimeoutMs(config),
      rejectUnauthorized: config.tls.rejectUnauthorized,
      followRedirects: false,
      // Invalid UTF-8 in a text message is counted and logged, and the stream goes on;
      // `ws` would otherwise close with 1007 and cost a reconnect for one bad message.
      skipUTF8Validation: true,
    };
    // `ca` replaces the system roots in Node's TLS, so caFile is appended to them.
    if (config.tls.caFile) options.ca = [...rootCertificates, readFileSync(config.tls.caFile, 'utf8')];
    const socket = new WebSocket(config.url, [...config.websocket.protocols], options);
    this.socket = socket;
    // Emitted before ws checks the answer, so a refused subprotocol can still be named.
    socket.on('upgrade', (response: IncomingMessage) => {
      this.httpVersion = response.httpVersion;
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
      detail: `WebSocket, HTTP/${this.httpVersion} upgrade${tls}, subprotocol ${socket.protocol || 'none'}, extensions ${socket.extensions || 'none'}`,
    });
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.ended) return;
    const message = messageBuffer(data);
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
      const retryAfter = response.headers['retry-after'];
      this.refusal = httpRefusal(response.statusCode ?? 0, response.statusMessage ?? '', String(response.headers['content-type'] ?? ''), body, typeof retryAfter === 'string' ? retryAfter : undefined);
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
    else if (!this.opened) this.finish(classifyConnectError(this.lastError));
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
      const deadlineMs = Math.min(PROBE_DEADLINE_MAX_MS, Math.max(PROBE_DEADLINE_MIN_MS, config.heartbeatSeconds * 1000));
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
