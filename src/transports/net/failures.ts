// Why a connection could not be made, for every transport: DNS, refused, reset, timeouts, TLS (unknown
// CA, expired, wrong host name, client certificate) and the forward proxy (unreachable, 407, CONNECT
// refused). One classification, so the same failure reads the same whichever library saw it.

import type { ErrorCause } from '../../core/events.ts';
import { displayProxy } from '../../core/network.ts';
import type { ProxyRoute } from '../../core/network.ts';
import { rstShape } from '../../core/intermediaries.ts';
import type { CloseShape } from '../../core/intermediaries.ts';
import type { PostFailure } from '../../core/keepaliveMismatch.ts';
import { serverText } from '../serverText.ts';

export interface NetFailure {
  readonly error: ErrorCause;
  readonly detail: string;
  /** false when retrying cannot help until the user changes something (proxy credentials, client certificate). */
  readonly retryable: boolean;
}

export interface FailureContext {
  /** host:port of the endpoint, never its path or query. */
  readonly host: string;
  readonly route: ProxyRoute;
  /** The setting that adds trust where the user works: `tls.caFile` in the CLI, plus http.systemCertificates in VS Code. */
  readonly trustHint?: string;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
const UNKNOWN_CA_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
]);
const EXPIRED_CODES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const HOSTNAME_CODES = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']);
/** Alerts a server sends when it wanted a (valid) client certificate. */
const CLIENT_CERT_CODES = new Set([
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN', 'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
]);
const OTHER_TLS = /^(ERR_TLS|ERR_SSL|CERT_|ERR_CERT)/;
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', ...DNS_CODES]);

/** Error codes as they appear inside message text (grpc-js reports socket errors only as text). */
const CODE_IN_TEXT = /\b(E[A-Z]{3,}[A-Z_]*|ERR_[A-Z0-9_]+|CERT_[A-Z_]+|UNABLE_TO_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)\b/g;

/**
 * All `code`s along an error's cause chain and inside AggregateErrors (libraries wrap socket errors),
 * then any code named in the messages' text.
 */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string') for (const match of message.matchAll(CODE_IN_TEXT)) codes.push(match[1]!);
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) for (const inner of errors) codes.push(...errorCodes(inner));
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** The messages along an error's cause chain, joined (`fetch failed: connect ECONNREFUSED ...`). */
export function chainMessage(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 3; depth++) {
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && message && !parts.includes(message)) parts.push(message);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(': ') || String(error);
}

/** The status a proxy answered a CONNECT with, from the libraries' own wording of it. */
export function proxyConnectStatus(message: string): number | undefined {
  // undici: "Proxy response (407) !== 200 when HTTP Tunneling"; grpc-js: "... through proxy P with status 407".
  const match = /Proxy response \((\d{3})\)|through proxy \S+ with status (\d{3})/i.exec(message);
  const status = Number(match?.[1] ?? match?.[2]);
  return Number.isInteger(status) && status >= 100 ? status : undefined;
}

/** What a proxy's answer to CONNECT (or to a forwarded request) means. Undefined for a 2xx. */
export function proxyRefusal(status: number, route: ProxyRoute, host: string): NetFailure | undefined {
  if (route.mode !== 'proxy' || (status >= 200 && status < 300)) return undefined;
  const proxy = displayProxy(route.url);
  if (status === 407 || status === 401) {
    return {
      error: 'proxy', retryable: false,
      detail: `the proxy ${proxy} (${route.source}) wants credentials (${status} ${status === 407 ? 'Proxy Authentication Required' : 'Unauthorized'}): put the user and password in the proxy URL (http://user:\${secret:NAME}@host:port), or http.proxyAuthorization in VS Code; not retried until you reconnect`,
    };
  }
  if (status === 403 || status === 405) {
    return {
      error: 'proxy', retryable: false,
      detail: `the proxy ${proxy} refused to open a tunnel to ${host} (${status}): its policy blocks this host or port; ask its administrator, or set proxy to "off" (or a no-proxy entry) if the host is reachable directly; not retried until you reconnect`,
    };
  }
  return { error: 'connect-failed', retryable: true, detail: `the proxy ${proxy} could not reach ${host} (it answered ${status}); is the server up and reachable from the proxy?` };
}

/** The HTML page nginx (and others) answer instead of a TLS alert when a client certificate was required. */
export function clientCertificatePage(status: number, body: string): boolean {
  return status === 400 && /No required SSL certificate was sent|SSL certificate error|ssl_verify_client|client certificate/i.test(body);
}

export function clientCertificateFailure(host: string, sent: boolean): NetFailure {
  return sent
    ? { error: 'tls', retryable: false, detail: `${host} rejected the client certificate (tls.certFile): it is not signed by a CA the server trusts, or it expired; not retried until you reconnect` }
    : { error: 'tls', retryable: false, detail: `${host} requires a client certificate: set tls.certFile and tls.keyFile (and tls.keyPassphrase for an encrypted key); not retried until you reconnect` };
}

/** A thrown connect-time error of any library, classified. `clientCertificate` says whether we sent one. */
export function classifyNetworkError(error: unknown, context: FailureContext & { readonly clientCertificate?: boolean }): NetFailure {
  const codes = errorCodes(error);
  const message = serverText(chainMessage(error), 300);
  const { host, route } = context;
  const first = (set: ReadonlySet<string>) => codes.find((c) => set.has(c));
  const proxy = route.mode === 'proxy' ? displayProxy(route.url) : '';

  const connectStatus = proxyConnectStatus(message);
  if (route.mode === 'proxy' && connectStatus !== undefined) return proxyRefusal(connectStatus, route, host)!;

  const clientCert = first(CLIENT_CERT_CODES);
  if (clientCert) {
    const failure = clientCertificateFailure(host, context.clientCertificate ?? false);
    return { ...failure, detail: `${failure.detail} (${clientCert})` };
  }
  const unknownCa = first(UNKNOWN_CA_CODES);
  if (unknownCa || /unable to (verify|get (local )?issuer)|self[- ]signed/i.test(message)) {
    const trust = context.trustHint ?? 'tls.caFile';
    return {
      error: 'tls', retryable: true,
      detail: `TLS with ${host}: the server's certificate is signed by a CA that is not trusted (${unknownCa ?? message}). The usual cause is a TLS-inspecting proxy or a private CA: add that CA with ${trust} (or to NODE_EXTRA_CA_CERTS)`,
    };
  }
  const expired = first(EXPIRED_CODES);
  if (expired) return { error: 'tls', retryable: true, detail: `TLS with ${host}: the server's certificate ${expired === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet'} (${expired}); renew it on the server (or check this machine's clock)` };
  const hostname = first(HOSTNAME_CODES);
  if (hostname) return { error: 'tls', retryable: true, detail: `TLS with ${host}: the server's certificate is for other names (${hostname}): ${message}; use a host name the certificate lists` };
  const otherTls = codes.find((c) => OTHER_TLS.test(c));
  if (otherTls || /certificate|SSL routines|TLS/i.test(message)) {
    const plain = otherTls === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(message) ? '; is this port TLS at all (https/wss on a plain-HTTP port)?' : '';
    return { error: 'tls', retryable: true, detail: `TLS handshake with ${host} failed (${otherTls ?? message})${plain}` };
  }
  if (route.mode === 'proxy' && codes.some((c) => UNREACHABLE_CODES.has(c))) {
    return { error: 'connect-failed', retryable: true, detail: `cannot reach the proxy ${proxy} (${route.source}): ${codes.find((c) => UNREACHABLE_CODES.has(c))}; is it running, and is the proxy setting right?` };
  }
  const dns = first(DNS_CODES);
  if (dns) return { error: 'dns', retryable: true, detail: `cannot resolve ${host} (${dns}); check the host name and your DNS` };
  if (codes.includes('ECONNREFUSED')) return { error: 'connect-failed', retryable: true, detail: `connection to ${host} refused (ECONNREFUSED); is the server running on that port?` };
  if (codes.includes('UND_ERR_CONNECT_TIMEOUT') || codes.includes('ETIMEDOUT')) return { error: 'connect-failed', retryable: true, detail: `connecting to ${host} timed out: ${message}` };
  if (codes.includes('UND_ERR_HEADERS_TIMEOUT')) return { error: 'connect-failed', retryable: true, detail: `${host} accepted the connection but sent no response headers in time` };
  const reset = first(RESET_CODES);
  if (reset) return { error: 'connect-failed', retryable: true, detail: `${host} reset the connection while connecting (${reset}): ${message}` };
  return { error: 'connect-failed', retryable: true, detail: `cannot connect to ${host}: ${message}` };
}

/**
 * How a request on a pooled connection failed, for the keep-alive evidence (core keepaliveMismatch.ts):
 * reset by the peer, closed under it ("other side closed"), timed out, or something else.
 */
export function requestFailureKind(error: unknown): PostFailure {
  const codes = errorCodes(error);
  if (codes.includes('ECONNRESET') || codes.includes('EPIPE')) return 'reset';
  if (codes.includes('UND_ERR_SOCKET') || codes.includes('ECONNABORTED')) return 'closed';
  const name = (error as { name?: unknown } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError' || codes.some((c) => c === 'UND_ERR_HEADERS_TIMEOUT' || c === 'ETIMEDOUT')) return 'timeout';
  return 'error';
}

/** The classification for code that knows no route or host (a direct connection to "the server"). */
export function classifyDirect(error: unknown): NetFailure {
  return classifyNetworkError(error, { host: 'the server', route: { mode: 'direct', reason: '' } });
}

/** host:port only: never the path or query, which may carry tokens. */
export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the endpoint';
  }
}

const H2_CODE_NAMES: Readonly<Record<string, number>> = { NO_ERROR: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2, CANCEL: 8 };

/**
 * How a broken stream ended on the wire, from what the libraries say about it: an HTTP/2 RST_STREAM
 * code (undici's `http2ErrorCode`, Node's `NGHTTP2_*` names, grpc-js's "RST_STREAM with code N"), a
 * GOAWAY, a TCP reset; otherwise the HTTP/1.1 body simply stopped (no terminal chunk).
 */
export function brokenStreamShape(error: unknown): CloseShape {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { http2ErrorCode?: unknown }).http2ErrorCode;
    if (typeof code === 'number') return rstShape(code);
    current = (current as { cause?: unknown }).cause;
  }
  const text = chainMessage(error);
  const rst = /RST_STREAM with code (\d+)/i.exec(text);
  if (rst) return rstShape(Number(rst[1]));
  const named = /NGHTTP2_([A-Z_]+)/.exec(text);
  if (named && H2_CODE_NAMES[named[1]!] !== undefined) return rstShape(H2_CODE_NAMES[named[1]!]!);
  if (/GOAWAY/i.test(text)) return 'goaway';
  if (errorCodes(error).some((c) => c === 'ECONNRESET' || c === 'EPIPE')) return 'reset';
  return 'truncated';
}
