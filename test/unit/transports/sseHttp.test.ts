// Unit tests for the shared HTTP helpers the sse and mcp transports use (src/transports/http/):
// error mapping, handshake bound, header merging (Retry-After and excerpts: serverText.test.ts).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connectFailure, handshakeLimitMs, HTTP_TIMEOUTS, mergeHeaders, safeHost } from '../../../src/transports/http/index.ts';
import { networkProfile } from '../../../src/transports/net/index.ts';
import type { EndpointConfig } from '../../../src/core/config.ts';
import { parseEndpoints } from '../../../src/core/config.ts';

function config(raw: Record<string, unknown> = {}): EndpointConfig {
  const { endpoints, issues } = parseEndpoints([{ name: 'e', kind: 'sse', url: 'https://example.com/events?token=abc', ...raw }]);
  assert.deepEqual(issues, []);
  return endpoints[0]!;
}

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });
const at = (url: string) => networkProfile(config({ url }));

describe('connectFailure', () => {
  test('ENOTFOUND and EAI_AGAIN are dns', () => {
    assert.equal(connectFailure(new TypeError('fetch failed', { cause: withCode('ENOTFOUND') }), at('http://nope.invalid/x')).error, 'dns');
    assert.equal(connectFailure(withCode('EAI_AGAIN'), at('http://nope.invalid/x')).error, 'dns');
  });
  test('certificate errors deep in the cause chain are tls, with the fix in the message', () => {
    const expired = connectFailure(new Error('outer', { cause: new Error('mid', { cause: withCode('CERT_HAS_EXPIRED', 'certificate has expired') }) }), at('https://h:8443/x'));
    assert.equal(expired.error, 'tls');
    assert.match(expired.detail, /CERT_HAS_EXPIRED/);
    assert.match(expired.detail, /renew it on the server/);
    const unknownCa = connectFailure(new Error('fetch failed', { cause: withCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate') }), at('https://h:8443/x'));
    assert.equal(unknownCa.error, 'tls');
    assert.match(unknownCa.detail, /tls\.caFile/);
    assert.match(unknownCa.detail, /TLS-inspecting proxy or a private CA/);
  });
  test('refused and timed-out connects are connect-failed and retryable; the URL path never appears', () => {
    const refused = connectFailure(withCode('ECONNREFUSED'), at('http://127.0.0.1:9/secret-path?key=1'));
    assert.equal(refused.error, 'connect-failed');
    assert.equal(refused.retryable, true);
    assert.match(refused.detail, /refused/);
    assert.doesNotMatch(refused.detail, /secret-path|key=1/);
    assert.match(connectFailure(withCode('UND_ERR_CONNECT_TIMEOUT'), at('http://h/')).detail, /timed out/);
  });
});

describe('handshakeLimitMs', () => {
  test('follows the idle window, with a floor and a ceiling', () => {
    assert.equal(handshakeLimitMs(config({ heartbeatSeconds: 0, idleTimeoutSeconds: 0 })), HTTP_TIMEOUTS.handshakeTimeoutMs);
    assert.equal(handshakeLimitMs(config({ heartbeatSeconds: 0, idleTimeoutSeconds: 1 })), HTTP_TIMEOUTS.handshakeFloorMs);
    assert.equal(handshakeLimitMs(config({ heartbeatSeconds: 5, idleTimeoutSeconds: 15 })), 15_000);
    assert.equal(handshakeLimitMs(config({ heartbeatSeconds: 60, idleTimeoutSeconds: 600 })), HTTP_TIMEOUTS.handshakeTimeoutMs);
  });
});

describe('headers and hosts', () => {
  test("the protocol's own headers win over configured ones, whatever their case", () => {
    const merged = mergeHeaders(config({ headers: { Accept: 'text/html', Authorization: 'Bearer x' } }), { accept: 'text/event-stream' });
    assert.deepEqual(merged, { Authorization: 'Bearer x', accept: 'text/event-stream' });
  });
  test('safeHost keeps host:port only', () => {
    assert.equal(safeHost('https://user.example.com:8443/p?token=abc'), 'user.example.com:8443');
  });
});
