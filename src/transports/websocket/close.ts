// How a WebSocket ends, in our terms: RFC 6455 close codes and their names, frames `ws` refused, a
// refused upgrade (any HTTP answer but 101), a subprotocol the two sides disagree on, connect errors.

import type { EndInfo } from '../../core/transport.ts';
import { classifyDirect, clientCertificateFailure, clientCertificatePage } from '../net/index.ts';
import type { NetFailure, NetworkProfile } from '../net/index.ts';
import { isHtmlPage, parseRetryAfter, serverText } from '../serverText.ts';

/** How much of a refused upgrade's body goes into the excerpt, and of a close reason into the detail. */
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

export function closeCodeName(code: number): string {
  if (WS_CLOSE_NAMES[code]) return WS_CLOSE_NAMES[code]!;
  return code >= 4000 && code <= 4999 ? 'application-defined' : 'unknown';
}

/** A refused upgrade (any HTTP answer but 101): 401/403/404 cannot be fixed by retrying. */
export function httpRefusal(status: number, statusText: string, contentType: string, body: string, retryAfter?: string, profile?: NetworkProfile): EndInfo {
  if (profile && clientCertificatePage(status, body)) {
    const failure = clientCertificateFailure(profile.host, Boolean(profile.tls?.clientCertificate));
    return { cause: 'http-status', error: failure.error, httpStatus: status, detail: `the WebSocket upgrade: ${failure.detail}`, retryable: failure.retryable };
  }
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

/**
 * Why the socket could not be opened, from the error `ws` or the network reported. Network failures
 * (DNS, refused, TLS, proxy) are the network layer's call; only the WebSocket handshake's own
 * complaints (a bad Sec-WebSocket-Accept, extension or subprotocol) are a protocol error here.
 */
export function classifyConnectError(error: (Error & { code?: string }) | null, classify: (error: unknown) => NetFailure = classifyDirect): EndInfo {
  if (!error) return { cause: 'reset', error: 'connect-failed', detail: 'closed before the upgrade completed', retryable: true };
  const code = error.code ?? '';
  if (code.startsWith('WS_ERR_') || /Invalid (Sec-WebSocket|Upgrade)|subprotocol|extension/i.test(error.message)) {
    return { cause: 'protocol-error', error: 'connect-failed', detail: `${code ? `${code}: ` : ''}${serverText(error.message, 200)}`, retryable: true };
  }
  if (/Opening handshake has timed out/i.test(error.message)) {
    return { cause: 'reset', error: 'connect-failed', detail: 'the WebSocket opening handshake timed out: the server (or a proxy) accepted the connection but did not answer the upgrade', retryable: true };
  }
  const failure = classify(error);
  return { cause: 'reset', error: failure.error, detail: failure.detail, retryable: failure.retryable };
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
    return { cause: 'reset', wsCloseCode: code, retryable: true, detail: `connection lost without a close frame, 1006 abnormal closure${cause}`, end: 'ws-no-close-frame' };
  }
  return { cause: 'ws-close', wsCloseCode: code, retryable: true, detail: `closed by the server with ${code} ${closeCodeName(code)}${why}`, ...(code === 1000 ? { end: 'clean' as const } : {}) };
}

