// What an HTTP answer or a thrown error means for the sse and mcp transports: a non-stream status
// before the stream opened, a connect failure (classified by the network layer), a broken stream.

import type { NetworkProfile } from '../net/index.ts';
import type { EndInfo } from '../../core/transport.ts';
import { brokenStreamShape, clientCertificateFailure, clientCertificatePage, chainMessage } from '../net/index.ts';
import { isHtmlPage, parseRetryAfter, serverText } from '../serverText.ts';
import { signInChallenge, signInFailure } from '../oauth/challenge.ts';
import { discard, header, HTTP_TIMEOUTS, mediaType, readBodyText } from './client.ts';
import type { HttpClient, HttpResponse } from './client.ts';
import type { HttpAttempt } from './attempt.ts';

/** Where a Bearer challenge's metadata is read from: the attempt's own client, and the server it was for. */
export interface SignInContext {
  readonly client: HttpClient;
  readonly serverUrl: string;
}

/**
 * The EndInfo for a non-2xx (or non-stream) answer before the stream opened, read with what the
 * attempt knows: its network profile (a missing client certificate), its evidence sink (the body's
 * first bytes, so a gateway's error page can name it: nginx, Envoy, Cloudflare, HAProxy...) and its
 * sign-in context (an OAuth challenge's protected-resource metadata, read through its own client).
 */
export async function statusFailure(response: HttpResponse, what: string, attempt: Pick<HttpAttempt, 'http' | 'report' | 'signIn'>, retryableNotFound = false): Promise<EndInfo> {
  const profile = attempt.http.profile;
  const { report, signIn } = attempt;
  const status = response.statusCode;
  const challenge = signIn && (status === 401 || status === 403) ? signInChallenge(status, header(response, 'www-authenticate')) : undefined;
  if (signIn && challenge) {
    discard(response);
    return signInFailure(status, what, signIn.serverUrl, challenge, signIn.client);
  }
  const type = mediaType(response);
  const { text } = await readBodyText(response, HTTP_TIMEOUTS.excerptReadBytes).catch(() => ({ text: '' }));
  if (text) report?.({ body: text });
  if (profile && clientCertificatePage(status, text)) {
    const failure = clientCertificateFailure(profile.host, Boolean(profile.tls?.clientCertificate));
    return { cause: 'http-status', error: failure.error, httpStatus: status, detail: `${what}: ${failure.detail}`, retryable: failure.retryable };
  }
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
    ...(status >= 500 ? { end: 'error-page' as const } : {}),
  };
}

/** A thrown error before the stream opened (proxy, connect, DNS, TLS, header timeout). */
export function connectFailure(error: unknown, profile: NetworkProfile): EndInfo {
  const failure = profile.classify(error);
  return { cause: 'reset', error: failure.error, detail: failure.detail, retryable: failure.retryable };
}

/** A thrown error while reading an open stream's body. */
export function streamFailure(error: unknown): EndInfo {
  return { cause: 'reset', detail: `stream broken: ${chainMessage(error)}`, retryable: true, end: brokenStreamShape(error) };
}
