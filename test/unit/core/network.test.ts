// Unit tests for the proxy route decision (src/core/network.ts): the endpoint's own proxy field, the
// host environment, NO_PROXY forms, the always-direct hosts, and how routes are shown.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeRoute, displayProxy, noProxyMatches, NO_PROXY_ENVIRONMENT, proxyEnvironmentFrom, proxyUrlProblem, routeFor } from '../../../src/core/network.ts';
import type { ProxyEnvironment } from '../../../src/core/network.ts';
import { parseEndpoints, withNetwork } from '../../../src/core/config.ts';

const env: ProxyEnvironment = { httpProxy: 'http://p-http:3128', httpsProxy: 'http://p-https:3128', noProxy: ['.internal', 'exact.example', 'svc:8443', '10.0.0.0/8'], source: 'test', strictSSL: true };

test('the endpoint field wins: off is direct, a URL is that proxy whatever the environment says', () => {
  assert.deepEqual(routeFor({ proxy: 'off', url: 'https://a.example/x' }, env), { mode: 'direct', reason: 'proxy: off' });
  const route = routeFor({ proxy: 'http://mine:8080', url: 'https://localhost/x' }, env);
  assert.equal(route.mode, 'proxy');
  assert.equal(route.mode === 'proxy' && route.url, 'http://mine:8080');
});

test('auto picks the HTTPS proxy for TLS schemes and the HTTP one for cleartext', () => {
  for (const url of ['https://a.example/x', 'wss://a.example/', 'grpcs://a.example:443']) {
    const route = routeFor({ proxy: 'auto', url }, env);
    assert.equal(route.mode === 'proxy' && route.url, 'http://p-https:3128', url);
  }
  for (const url of ['http://a.example/x', 'ws://a.example/', 'grpc://a.example:80']) {
    const route = routeFor({ proxy: 'auto', url }, env);
    assert.equal(route.mode === 'proxy' && route.url, 'http://p-http:3128', url);
  }
  assert.equal(routeFor({ proxy: 'auto', url: 'https://a.example/' }, NO_PROXY_ENVIRONMENT).mode, 'direct');
});

test('auto always sends localhost, 127.0.0.1 and ::1 direct, and other loopback names through NO_PROXY rules', () => {
  for (const url of ['http://localhost:1/x', 'https://127.0.0.1:2/', 'ws://[::1]:3/']) assert.equal(routeFor({ proxy: 'auto', url }, env).mode, 'direct', url);
  assert.equal(routeFor({ proxy: 'auto', url: 'http://127.0.0.2:1/x' }, env).mode, 'proxy');
});

test('NO_PROXY: domain suffixes on a label boundary, exact hosts, host:port, CIDR and *', () => {
  assert.equal(noProxyMatches('.internal', 'api.internal', '443'), true);
  assert.equal(noProxyMatches('.internal', 'internal', '443'), true);
  assert.equal(noProxyMatches('example.com', 'api.example.com', '443'), true);
  assert.equal(noProxyMatches('example.com', 'badexample.com', '443'), false);
  assert.equal(noProxyMatches('*.example.com', 'a.example.com', '443'), true);
  assert.equal(noProxyMatches('svc:8443', 'svc', '8443'), true);
  assert.equal(noProxyMatches('svc:8443', 'svc', '443'), false);
  assert.equal(noProxyMatches('10.0.0.0/8', '10.2.3.4', '80'), true);
  assert.equal(noProxyMatches('10.0.0.0/8', '11.2.3.4', '80'), false);
  assert.equal(noProxyMatches('10.0.0.0/8', 'ten.example', '80'), false);
  assert.equal(noProxyMatches('*', 'anything', '1'), true);
  assert.equal(noProxyMatches('[::1]', '::1', '1'), true);
  const bypass = routeFor({ proxy: 'auto', url: 'https://svc:8443/' }, env);
  assert.deepEqual(bypass, { mode: 'direct', reason: 'no-proxy entry "svc:8443"' });
});

test('the process environment: lower case wins, ALL_PROXY fills in, NO_PROXY split on commas and spaces', () => {
  const read = proxyEnvironmentFrom({ HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:1', ALL_PROXY: 'http://all:1', NO_PROXY: 'a.example, .b.example  c' });
  assert.equal(read.httpsProxy, 'http://lower:1');
  assert.equal(read.httpProxy, 'http://all:1');
  assert.deepEqual(read.noProxy, ['a.example', '.b.example', 'c']);
  assert.equal(read.source, 'environment (https_proxy, ALL_PROXY)');
  assert.equal(proxyEnvironmentFrom({}).source, 'none');
});

test('proxy URLs: http and https only, a host, nothing after the port; a secret placeholder as the password', () => {
  assert.equal(proxyUrlProblem('http://user:${secret:corp-proxy}@proxy.corp:3128'), undefined);
  assert.equal(proxyUrlProblem('https://proxy.corp'), undefined);
  assert.match(proxyUrlProblem('socks5://p:1080')!, /SOCKS proxies are not supported/);
  assert.match(proxyUrlProblem('http://p:3128/path')!, /no path or query/);
  assert.match(proxyUrlProblem('proxy.corp:3128')!, /not a URL|http/);
});

test('a proxy is shown without its credentials', () => {
  assert.equal(displayProxy('http://alice:s3cret@proxy.corp:3128'), 'http://proxy.corp:3128');
  assert.equal(displayProxy('http://alice:${secret:P}@proxy.corp:3128'), 'http://proxy.corp:3128');
  assert.equal(describeRoute({ mode: 'proxy', url: 'http://alice:s3cret@p:1', source: 'VS Code http.proxy', strictSSL: true }), 'via proxy http://p:1 (VS Code http.proxy)');
  assert.equal(describeRoute({ mode: 'direct', reason: 'x' }), 'direct');
});

test('config: proxy and client-certificate fields are validated and routed; withNetwork applies the environment', () => {
  const { endpoints, issues } = parseEndpoints([
    { name: 'a', kind: 'sse', url: 'https://a.example/e', proxy: 'http://u:${secret:P}@proxy:3128', tls: { certFile: 'c.pem', keyFile: 'k.pem', keyPassphrase: '${secret:K}' } },
    { name: 'b', kind: 'grpc', url: 'https://b.example', proxy: 'https://proxy:3128' },
    { name: 'c', kind: 'sse', url: 'https://c.example/e', proxy: 'ftp://x', tls: { certFile: 'c.pem' } },
    { name: 'd', kind: 'websocket', url: 'wss://d.example/' },
  ]);
  assert.deepEqual(issues.map((i) => `${i.name}.${i.field}`), ['b.proxy', 'c.tls.keyFile', 'c.proxy']);
  assert.equal(endpoints[0]!.network.route.mode, 'proxy');
  assert.equal(endpoints[1]!.network.route.mode, 'direct');
  const routed = withNetwork(endpoints, env, false);
  assert.equal(routed[1]!.network.route.mode === 'proxy' && routed[1]!.network.route.url, 'http://p-https:3128');
  assert.equal(routed[1]!.network.systemCertificates, false);
  // The endpoint's own proxy is not touched by the environment.
  assert.equal(routed[0]!.network.route.mode === 'proxy' && routed[0]!.network.route.url, 'http://u:${secret:P}@proxy:3128');
});
