// A forward proxy as each library wants it: undici's ProxyAgent (SSE, MCP), https-proxy-agent for `ws`,
// and grpc-js's own CONNECT support driven per channel. Always a CONNECT tunnel, so the proxy relays
// bytes and every kind behaves alike (an HTTP/1.1 or HTTP/2 stream, a WebSocket, gRPC over TLS).

import * as http from 'node:http';
import * as https from 'node:https';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { ProxyRoute } from '../../core/network.ts';

export type ProxiedRoute = Extract<ProxyRoute, { mode: 'proxy' }>;

/** The Proxy-Authorization value a route sends: VS Code's http.proxyAuthorization, else the URL's user info. */
export function proxyAuthorization(route: ProxiedRoute): string | undefined {
  if (route.authorization) return route.authorization;
  const creds = basicCredentials(route);
  return creds ? `Basic ${Buffer.from(creds).toString('base64')}` : undefined;
}

/** `user:password` (decoded) for libraries that take Basic credentials only (grpc-js). */
export function basicCredentials(route: ProxiedRoute): string | undefined {
  if (route.authorization) {
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(route.authorization.trim());
    return basic ? Buffer.from(basic[1]!, 'base64').toString('utf8') : undefined;
  }
  const url = new URL(route.url);
  if (!url.username && !url.password) return undefined;
  return `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
}

/** The proxy URL without credentials (they travel as a header, never inside a URL a library may log). */
export function proxyOrigin(route: ProxiedRoute): string {
  const url = new URL(route.url);
  return `${url.protocol}//${url.host}`;
}

/**
 * An agent for `ws` that opens a CONNECT tunnel for ws:// and wss:// alike (TLS to the server then runs
 * inside it with the connection's own options). It reports the proxy's answer to CONNECT, because a
 * refused CONNECT reaches `ws` as an ordinary HTTP answer that could be mistaken for the server's.
 */
export function wsProxyAgent(route: ProxiedRoute, onConnectStatus: (status: number) => void): HttpsProxyAgent<string> {
  const authorization = proxyAuthorization(route);
  const agent = new HttpsProxyAgent(proxyOrigin(route), {
    headers: authorization ? { 'Proxy-Authorization': authorization } : {},
    // Only matters for an https:// proxy: its own certificate (VS Code's http.proxyStrictSSL).
    rejectUnauthorized: route.strictSSL,
    keepAlive: false,
  });
  agent.on('proxyConnect', (response: { statusCode: number }) => onConnectStatus(response.statusCode));
  return agent;
}

/**
 * Asks the proxy for a tunnel and reports its answer: a status, or the error code of reaching it.
 * grpc-js logs a refused CONNECT but fails the call with a bare UNAVAILABLE, so when a proxied gRPC
 * connect fails this tells 407 (credentials) and 403 (policy) from an unreachable server.
 */
export function askProxyForTunnel(route: ProxiedRoute, target: string, timeoutMs: number): Promise<{ status?: number; code?: string }> {
  return new Promise((resolve) => {
    const url = new URL(route.url);
    const authorization = proxyAuthorization(route);
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request({
      host: url.hostname,
      port: url.port || (url.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers: { host: target, ...(authorization ? { 'proxy-authorization': authorization } : {}) },
      timeout: timeoutMs,
      agent: false,
      ...(url.protocol === 'https:' ? { rejectUnauthorized: route.strictSSL } : {}),
    });
    let done = false;
    const finish = (result: { status?: number; code?: string }) => {
      if (done) return;
      done = true;
      request.destroy();
      resolve(result);
    };
    request.on('connect', (response, socket) => {
      socket.destroy();
      finish({ status: response.statusCode ?? 0 });
    });
    request.on('response', (response) => {
      response.resume();
      finish({ status: response.statusCode ?? 0 });
    });
    request.on('timeout', () => finish({ code: 'ETIMEDOUT' }));
    request.on('error', (error: NodeJS.ErrnoException) => finish({ code: error.code ?? 'ERROR' }));
    request.end();
  });
}
