// VS Code's proxy settings as Stream Health applies them to `proxy: "auto"` endpoints: http.proxySupport
// "off" means direct; http.proxy wins over the environment; http.noProxy replaces NO_PROXY when set;
// http.proxyStrictSSL and http.proxyAuthorization as VS Code documents them. Pure, so it is unit-tested.

import { displayProxy, proxyEnvironmentFrom, proxySecrets, splitNoProxy } from '../core/network.ts';
import type { ProxyEnvironment } from '../core/network.ts';

/** The `http.*` values as `getConfiguration('http')` returns them (anything may be missing or mistyped). */
export interface VsCodeHttpSettings {
  readonly proxy?: unknown;
  readonly noProxy?: unknown;
  readonly proxyStrictSSL?: unknown;
  readonly proxyAuthorization?: unknown;
  readonly proxySupport?: unknown;
  readonly systemCertificates?: unknown;
}

export interface ExtensionNetwork {
  readonly proxy: ProxyEnvironment;
  /** http.systemCertificates: trust the OS store besides Node's bundled roots (VS Code's default: true). */
  readonly systemCertificates: boolean;
}

export function networkFromSettings(http: VsCodeHttpSettings, env: Readonly<Record<string, string | undefined>>): ExtensionNetwork {
  const systemCertificates = http.systemCertificates !== false;
  const strictSSL = http.proxyStrictSSL !== false;
  if (http.proxySupport === 'off') {
    return { proxy: { httpProxy: '', httpsProxy: '', noProxy: [], source: 'VS Code http.proxySupport "off"', strictSSL }, systemCertificates };
  }
  const fromEnv = proxyEnvironmentFrom(env);
  const explicit = typeof http.proxy === 'string' ? http.proxy.trim() : '';
  const ownNoProxy = splitNoProxy(Array.isArray(http.noProxy) ? (http.noProxy as unknown[]).filter((e): e is string => typeof e === 'string') : undefined);
  const noProxy = ownNoProxy.length > 0 ? ownNoProxy : fromEnv.noProxy;
  const authorization = typeof http.proxyAuthorization === 'string' && http.proxyAuthorization.trim() ? http.proxyAuthorization.trim() : undefined;
  const base = explicit
    ? { httpProxy: explicit, httpsProxy: explicit, source: 'VS Code http.proxy' }
    : { httpProxy: fromEnv.httpProxy, httpsProxy: fromEnv.httpsProxy, source: fromEnv.source };
  return { proxy: { ...base, noProxy, strictSSL, ...(authorization ? { authorization } : {}) }, systemCertificates };
}

/**
 * Credentials written literally in VS Code's proxy settings (http.proxyAuthorization, a password in
 * http.proxy or HTTPS_PROXY): not in SecretStorage, so the log's redactor is told about them here.
 */
export function networkSecrets(network: ExtensionNetwork): string[] {
  const { authorization, httpProxy, httpsProxy } = network.proxy;
  return [...new Set([...proxySecrets(httpProxy, authorization), ...proxySecrets(httpsProxy)])];
}

/** One log line for the network settings in force, without credentials. */
export function describeNetwork(network: ExtensionNetwork): string {
  const { httpProxy, httpsProxy, noProxy, source } = network.proxy;
  const proxies = httpProxy || httpsProxy
    ? `auto proxy ${httpProxy === httpsProxy ? displayProxy(httpProxy) : `http ${httpProxy ? displayProxy(httpProxy) : 'direct'}, https ${httpsProxy ? displayProxy(httpsProxy) : 'direct'}`} from ${source}${noProxy.length ? `, no proxy for ${noProxy.join(', ')}` : ''}`
    : `no auto proxy (${source === 'none' ? 'none configured' : source})`;
  return `${proxies}; OS certificate store ${network.systemCertificates ? 'trusted' : 'not trusted (http.systemCertificates is off)'}`;
}
