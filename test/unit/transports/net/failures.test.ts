// Unit tests for the network-failure classification every transport shares (src/transports/net/failures.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxyRoute } from '../../../../src/core/network.ts';
import { classifyNetworkError, clientCertificateFailure, clientCertificatePage, errorCodes, proxyConnectStatus, proxyRefusal } from '../../../../src/transports/net/failures.ts';

const direct: ProxyRoute = { mode: 'direct', reason: '' };
const proxied: ProxyRoute = { mode: 'proxy', url: 'http://alice:s3cret-pw@proxy.corp:3128', source: 'VS Code http.proxy', strictSSL: true };
const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });
const at = (route: ProxyRoute) => ({ host: 'api.example:443', route });

test('codes come from the cause chain, AggregateErrors and message text', () => {
  const error = new Error('outer', { cause: new AggregateError([withCode('ECONNREFUSED')], 'x') });
  assert.deepEqual(errorCodes(error).filter((c) => c === 'ECONNREFUSED').length > 0, true);
  assert.ok(errorCodes(new Error('No connection established. Last error: Error: getaddrinfo ENOTFOUND nope.invalid')).includes('ENOTFOUND'));
});

test('a 407 or 401 to CONNECT is a proxy credentials failure, not retried, without the password', () => {
  for (const status of [407, 401]) {
    const failure = classifyNetworkError(new Error(`Proxy response (${status}) !== 200 when HTTP Tunneling`), at(proxied));
    assert.equal(failure.error, 'proxy');
    assert.equal(failure.retryable, false);
    assert.match(failure.detail, /wants credentials/);
    assert.match(failure.detail, /http:\/\/proxy\.corp:3128/);
    assert.doesNotMatch(failure.detail, /s3cret-pw|alice/);
  }
});

test('a CONNECT refused by policy is a proxy failure; a 502/503 from the proxy is retried', () => {
  const refused = proxyRefusal(403, proxied, 'api.example:443')!;
  assert.deepEqual([refused.error, refused.retryable], ['proxy', false]);
  assert.match(refused.detail, /refused to open a tunnel to api\.example:443/);
  const unreachable = proxyRefusal(503, proxied, 'api.example:443')!;
  assert.deepEqual([unreachable.error, unreachable.retryable], ['connect-failed', true]);
  assert.equal(proxyRefusal(200, proxied, 'x'), undefined);
  assert.equal(proxyRefusal(407, direct, 'x'), undefined);
  assert.equal(proxyConnectStatus('Failed to connect to x through proxy 127.0.0.1:3128 with status 407'), 407);
});

test('an unreachable proxy names the proxy; the same code direct names the server', () => {
  const viaProxy = classifyNetworkError(withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:3128'), at(proxied));
  assert.equal(viaProxy.error, 'connect-failed');
  assert.match(viaProxy.detail, /cannot reach the proxy http:\/\/proxy\.corp:3128 \(VS Code http\.proxy\)/);
  const plain = classifyNetworkError(withCode('ECONNREFUSED'), at(direct));
  assert.match(plain.detail, /connection to api\.example:443 refused/);
});

test('TLS: unknown CA points at a TLS-inspecting proxy or private CA and the setting; expired and wrong host say so', () => {
  const unknown = classifyNetworkError(withCode('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'), { ...at(direct), trustHint: 'tls.caFile or http.systemCertificates' });
  assert.equal(unknown.error, 'tls');
  assert.match(unknown.detail, /TLS-inspecting proxy or a private CA/);
  assert.match(unknown.detail, /tls\.caFile or http\.systemCertificates/);
  assert.match(classifyNetworkError(withCode('CERT_HAS_EXPIRED'), at(direct)).detail, /has expired/);
  assert.match(classifyNetworkError(withCode('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), at(direct)).detail, /for other names/);
  assert.match(classifyNetworkError(withCode('ERR_SSL_WRONG_VERSION_NUMBER'), at(direct)).detail, /is this port TLS/);
});

test('client certificates: an alert or nginx\'s 400 page says which setting to add, or that ours was refused', () => {
  const alert = classifyNetworkError(withCode('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'), { ...at(direct), clientCertificate: false });
  assert.deepEqual([alert.error, alert.retryable], ['tls', false]);
  assert.match(alert.detail, /requires a client certificate: set tls\.certFile and tls\.keyFile/);
  assert.match(clientCertificateFailure('h', true).detail, /rejected the client certificate/);
  assert.equal(clientCertificatePage(400, '<html><center>No required SSL certificate was sent</center>'), true);
  assert.equal(clientCertificatePage(400, 'bad request'), false);
  assert.equal(clientCertificatePage(403, 'No required SSL certificate was sent'), false);
});

test('DNS, timeouts and resets', () => {
  assert.equal(classifyNetworkError(withCode('EAI_FAIL'), at(direct)).error, 'dns');
  assert.match(classifyNetworkError(withCode('UND_ERR_CONNECT_TIMEOUT'), at(direct)).detail, /timed out/);
  assert.match(classifyNetworkError(withCode('ECONNRESET'), at(direct)).detail, /reset the connection/);
});
