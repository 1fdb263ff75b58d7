// Which way an endpoint's connections leave the machine: direct or through a forward proxy, decided
// from the endpoint's `proxy` field and the host's proxy environment (VS Code's http.* settings or the
// process environment). Pure string logic; the transports turn the route into sockets.

/** The host's proxy settings, as the extension (VS Code settings) or the CLI (environment) read them. */
export interface ProxyEnvironment {
  /** Proxy for http:// and ws:// targets ('' = none). */
  readonly httpProxy: string;
  /** Proxy for https://, wss:// and TLS gRPC targets ('' = none). */
  readonly httpsProxy: string;
  /** NO_PROXY entries: `host`, `.domain`, `*`, `host:port`, IPv4 CIDR. */
  readonly noProxy: readonly string[];
  /** Where the values came from, shown with the route: `VS Code http.proxy`, `environment (HTTPS_PROXY)`. */
  readonly source: string;
  /** A whole Proxy-Authorization value (VS Code's http.proxyAuthorization): a secret. */
  readonly authorization?: string;
  /** false: an https:// proxy's own certificate is not verified (VS Code's http.proxyStrictSSL). */
  readonly strictSSL: boolean;
}

export const NO_PROXY_ENVIRONMENT: ProxyEnvironment = { httpProxy: '', httpsProxy: '', noProxy: [], source: 'none', strictSSL: true };

export type ProxyRoute =
  | { readonly mode: 'direct'; readonly reason: string }
  | {
      readonly mode: 'proxy';
      /** http(s)://[user[:password]@]host:port; the password may still be a `${secret:NAME}` placeholder. */
      readonly url: string;
      readonly source: string;
      readonly authorization?: string;
      readonly strictSSL: boolean;
    };

/** What the host decided about the network for one endpoint; part of the config so a change restarts it. */
export interface NetworkSettings {
  readonly route: ProxyRoute;
  /** Trust the operating system's certificate store besides Node's bundled roots. */
  readonly systemCertificates: boolean;
}

export const PROXY_MODES = ['auto', 'off'] as const;

/**
 * Hosts that never go through an `auto` proxy: the same three VS Code's own proxy resolver always
 * sends direct. Other loopback names (127.0.0.2, *.localhost) follow NO_PROXY like any host.
 */
export const ALWAYS_DIRECT_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** Schemes whose connections are TLS to the server (and so use the HTTPS proxy setting). */
const SECURE_SCHEMES = new Set(['https:', 'wss:', 'grpcs:']);

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'ws:': '80', 'grpc:': '80', 'https:': '443', 'wss:': '443', 'grpcs:': '443' };

/** The route for one endpoint: its own `proxy` field first, then (for `auto`) the environment. */
export function routeFor(endpoint: { readonly proxy: string; readonly url: string }, env: ProxyEnvironment): ProxyRoute {
  if (endpoint.proxy === 'off') return { mode: 'direct', reason: 'proxy: off' };
  if (endpoint.proxy !== 'auto' && endpoint.proxy !== '') return { mode: 'proxy', url: endpoint.proxy, source: 'the endpoint proxy setting', strictSSL: true };
  let target: URL;
  try {
    target = new URL(endpoint.url);
  } catch {
    return { mode: 'direct', reason: 'no proxy for an unparsable URL' };
  }
  const host = bareHost(target.hostname);
  const proxy = SECURE_SCHEMES.has(target.protocol) ? env.httpsProxy : env.httpProxy;
  if (!proxy) return { mode: 'direct', reason: env.source === 'none' ? 'no proxy configured' : `no proxy for ${target.protocol.slice(0, -1)} in ${env.source}` };
  if (ALWAYS_DIRECT_HOSTS.includes(host)) return { mode: 'direct', reason: `${host} always goes direct` };
  const port = target.port || DEFAULT_PORTS[target.protocol] || '';
  const bypass = env.noProxy.find((entry) => noProxyMatches(entry, host, port));
  if (bypass !== undefined) return { mode: 'direct', reason: `no-proxy entry "${bypass}"` };
  return { mode: 'proxy', url: proxy, source: env.source, ...(env.authorization ? { authorization: env.authorization } : {}), strictSSL: env.strictSSL };
}

/** IPv6 literals come bracketed from URL.hostname. */
function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/** One NO_PROXY entry against a target: `*`, `host`, `.domain` / `domain` (suffix on a label boundary), `host:port`, IPv4 CIDR. */
export function noProxyMatches(rawEntry: string, host: string, port: string): boolean {
  let entry = rawEntry.trim().toLowerCase();
  if (!entry) return false;
  if (entry === '*') return true;
  const cidr = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(entry);
  if (cidr) return isIpv4(host) && inCidr(host, cidr[1]!, Number(cidr[2]));
  // host:port (but not a bare IPv6 literal, whose colons are not a port).
  const portMatch = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
  if (portMatch) {
    if (portMatch[2] !== port) return false;
    entry = portMatch[1]!;
  }
  entry = bareHost(entry);
  if (entry.startsWith('*.')) entry = entry.slice(1);
  if (entry.startsWith('.')) return host.endsWith(entry) || host === entry.slice(1);
  return host === entry || host.endsWith(`.${entry}`);
}

function isIpv4(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) && host.split('.').every((octet) => Number(octet) <= 255);
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => ((acc << 8) | Number(octet)) >>> 0, 0);
}

function inCidr(host: string, network: string, prefix: number): boolean {
  if (prefix < 0 || prefix > 32 || !isIpv4(network)) return false;
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return (ipv4ToInt(host) & mask) === (ipv4ToInt(network) & mask);
}

/** Splits a NO_PROXY / http.noProxy value (commas or whitespace) into entries. */
export function splitNoProxy(value: string | readonly string[] | undefined): string[] {
  const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  return parts.map((p) => String(p).trim()).filter((p) => p.length > 0);
}

/** A URL whose `${secret:NAME}` placeholders (not valid URL text) stand in as a plain word, for parsing. */
function withoutPlaceholders(url: string): string {
  return url.replace(/\$\{secret:[A-Za-z0-9_.-]+\}/g, 'secret');
}

/**
 * Why a proxy URL is unusable, or undefined when it is fine. `${secret:NAME}` is allowed as the
 * password; the URL must name a host and nothing after the port.
 */
export function proxyUrlProblem(value: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(withoutPlaceholders(value));
  } catch {
    return 'not a URL; use "auto", "off" or http://[user[:password]@]host:port';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `the proxy must be an http:// or https:// URL, not ${parsed.protocol} (SOCKS proxies are not supported)`;
  if (!parsed.hostname) return 'the proxy URL needs a host';
  if ((parsed.pathname && parsed.pathname !== '/') || parsed.search || parsed.hash) return 'the proxy URL must end after host:port (no path or query)';
  return undefined;
}

/** The proxy as shown to people: scheme, host and port, never the credentials. */
export function displayProxy(url: string): string {
  try {
    const parsed = new URL(withoutPlaceholders(url));
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'an unparsable proxy URL';
  }
}

/**
 * The credentials a proxy setting carries, for redaction: the URL's password (raw and decoded) and a
 * whole Proxy-Authorization value with its token part.
 */
export function proxySecrets(url: string, authorization?: string): string[] {
  const out: string[] = [];
  if (authorization) out.push(authorization, ...authorization.split(/\s+/).slice(1));
  try {
    const password = new URL(url).password;
    if (password) out.push(password, decodeURIComponent(password));
  } catch {
    // not a URL: nothing to hide, and config validation reports it
  }
  return [...new Set(out)];
}

/** A one-line description of a route for the open detail, the card and the CLI table. */
export function describeRoute(route: ProxyRoute): string {
  return route.mode === 'direct' ? 'direct' : `via proxy ${displayProxy(route.url)} (${route.source})`;
}

/**
 * The proxy environment of a process, as curl and most CLIs read it: HTTPS_PROXY for TLS targets,
 * HTTP_PROXY for cleartext ones, ALL_PROXY for both when those are unset, NO_PROXY; upper or lower
 * case (lower wins when both are set, as curl and undici do).
 */
export function proxyEnvironmentFrom(env: Readonly<Record<string, string | undefined>>): ProxyEnvironment {
  const read = (name: string): { value: string; from: string } | undefined => {
    for (const key of [name.toLowerCase(), name.toUpperCase()]) {
      const value = env[key]?.trim();
      if (value) return { value, from: key };
    }
    return undefined;
  };
  const all = read('ALL_PROXY');
  const https = read('HTTPS_PROXY') ?? all;
  const http = read('HTTP_PROXY') ?? all;
  const names = [...new Set([https?.from, http?.from].filter((n): n is string => Boolean(n)))];
  return {
    httpProxy: http?.value ?? '',
    httpsProxy: https?.value ?? '',
    noProxy: splitNoProxy(read('NO_PROXY')?.value),
    source: names.length ? `environment (${names.join(', ')})` : 'none',
    strictSSL: true,
  };
}
