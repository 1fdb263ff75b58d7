// The network layer's one entry point: for an endpoint's connect attempt, the route (direct or which
// proxy), the TLS material, and what each library needs to use them; plus the failure classification.
// Every transport asks here; none decides proxy, trust or failure wording on its own.

import type { EndpointConfig } from '../../core/config.ts';
import { describeRoute } from '../../core/network.ts';
import type { ProxyRoute } from '../../core/network.ts';
import type { EndInfo } from '../../core/transport.ts';
import { serverText } from '../serverText.ts';
import { chainMessage, classifyNetworkError, safeHost } from './failures.ts';
import type { NetFailure } from './failures.ts';
import { loadTlsMaterial, TlsSetupError } from './trust.ts';
import type { TlsMaterial } from './trust.ts';

export { brokenStreamShape, classifyDirect, requestFailureKind, classifyNetworkError, clientCertificateFailure, clientCertificatePage, errorCodes, chainMessage, proxyRefusal, safeHost } from './failures.ts';
export type { NetFailure } from './failures.ts';
export { TlsSetupError } from './trust.ts';
export type { TlsMaterial } from './trust.ts';
export { CONNECT_TIMEOUT_MS, probeDeadlineMs, windowBoundedMs } from './timeouts.ts';

export interface NetworkProfile {
  readonly route: ProxyRoute;
  /** TLS to the server (https, wss, grpcs): the material to use. Undefined for cleartext targets. */
  readonly tls: TlsMaterial | undefined;
  /** TLS to an https:// proxy (same trust store; the client certificate is for the server only). */
  readonly proxyTls: TlsMaterial | undefined;
  /** host:port of the endpoint, safe to show. */
  readonly host: string;
  /** `direct` or `via proxy http://host:port (source)`, never credentials. */
  readonly routeText: string;
  classify(error: unknown): NetFailure;
}

/** A transport that could not even start (unusable TLS file, bad proxy URL): a config error, not retried. */
export function setupFailure(error: unknown): EndInfo {
  const detail = error instanceof TlsSetupError ? error.message : `cannot set up the connection: ${serverText(chainMessage(error), 200)}`;
  return { cause: 'protocol-error', error: 'config', detail, retryable: false };
}

/**
 * Runs a transport's synchronous start; a throw (an unusable TLS file, a header the library refuses)
 * is reported through `finish` after the factory has returned, as the Transport contract requires.
 */
export function startOrReport(start: () => void, finish: (info: EndInfo) => void): void {
  try {
    start();
  } catch (error) {
    queueMicrotask(() => finish(setupFailure(error)));
  }
}

/** The open detail with the route appended when a proxy carries the stream (direct adds nothing). */
export function withRoute(detail: string, profile: Pick<NetworkProfile, 'route' | 'routeText'> | undefined): string {
  return profile && profile.route.mode === 'proxy' ? `${detail}, ${profile.routeText}` : detail;
}

/** Schemes that speak TLS to the server. */
export function isSecureUrl(url: string): boolean {
  return /^(https|wss|grpcs):/i.test(url);
}

/** Where the user adds trust: the extension passes a hint naming http.systemCertificates too. */
const TRUST_HINT = 'tls.caFile';

/**
 * Reads the TLS files (throws TlsSetupError naming the field when one is unusable) and fixes the
 * route for this attempt. Called once per connect, so rotated files are picked up.
 */
export function networkProfile(config: Pick<EndpointConfig, 'url' | 'tls' | 'network'>): NetworkProfile {
  const route = config.network.route;
  const secure = isSecureUrl(config.url);
  // An https:// proxy needs the trust store even for a cleartext target.
  const httpsProxy = route.mode === 'proxy' && route.url.startsWith('https:');
  const tls = secure || httpsProxy ? loadTlsMaterial(config) : undefined;
  const host = safeHost(config.url);
  return {
    route,
    tls: secure ? tls : undefined,
    proxyTls: httpsProxy ? tls : undefined,
    host,
    routeText: describeRoute(route),
    classify: (error) => classifyNetworkError(error, { host, route, trustHint: TRUST_HINT, clientCertificate: tls?.clientCertificate ?? false }),
  };
}
