// The lab's intermediaries: real nginx or HAProxy when installed, else the built-in stand-in.

import type { LabProxy, LabProxyOptions } from '../types.ts';
import { startIdleProxy } from './builtin.ts';
import { haproxyAvailable, startHaproxy } from './haproxy.ts';
import { nginxAvailable, startNginx } from './nginx.ts';

export { startIdleProxy } from './builtin.ts';
export { haproxyAvailable, haproxyConfig, startHaproxy } from './haproxy.ts';
export { apacheAvailable, apacheConfig, startApache } from './apache.ts';
export { caddyAvailable, caddyConfig, startCaddy } from './caddy.ts';
export { startVarnish, varnishAvailable, varnishVcl } from './varnish.ts';
export type { VarnishOptions } from './varnish.ts';
export { nginxAvailable, nginxConfig, startNginx } from './nginx.ts';
export type { NginxTls } from './nginx.ts';

export type ProxyPreference = 'auto' | 'nginx' | 'haproxy' | 'builtin';

/** nginx if installed, else HAProxy, else the built-in stand-in (or exactly the one asked for). */
export function startBestProxy(o: LabProxyOptions, preference: ProxyPreference = 'auto'): Promise<LabProxy> {
  if (preference === 'nginx' || (preference === 'auto' && nginxAvailable())) return startNginx(o);
  if (preference === 'haproxy' || (preference === 'auto' && haproxyAvailable())) return startHaproxy(o);
  return startIdleProxy(o);
}

/** How the lab labels a proxy kind to users. */
export function describeProxy(proxy: LabProxy, idleTimeoutSeconds: number): string {
  const what = proxy.kind === 'builtin' ? 'built-in stand-in proxy (TCP idle relay; nginx/HAProxy not installed)' : proxy.kind;
  return `${what}, idle timeout ${idleTimeoutSeconds} s, 127.0.0.1:${proxy.port}`;
}
