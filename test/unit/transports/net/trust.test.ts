// Unit tests for TLS trust and client-certificate loading (src/transports/net/trust.ts) with real PEM
// files made by openssl: every unusable file or passphrase names the field to fix.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as tls from 'node:tls';
import { parseEndpoints } from '../../../../src/core/config.ts';
import type { EndpointConfig } from '../../../../src/core/config.ts';
import { loadTlsMaterial, TlsSetupError } from '../../../../src/transports/net/trust.ts';
import { makeTestPki } from '../../../integration/support/pki.ts';

const pki = makeTestPki({ passphrase: 'correct horse' });
after(() => pki.remove());

function config(tlsFields: Record<string, unknown>): EndpointConfig {
  const { endpoints, issues } = parseEndpoints([{ name: 'e', kind: 'sse', url: 'https://localhost/e', tls: tlsFields }]);
  assert.deepEqual(issues, []);
  return endpoints[0]!;
}

function failure(fields: Record<string, unknown>): TlsSetupError {
  try {
    loadTlsMaterial(config(fields));
  } catch (error) {
    assert.ok(error instanceof TlsSetupError, String(error));
    return error;
  }
  assert.fail('expected a TlsSetupError');
}

test('caFile is added to the bundled roots, never instead of them', () => {
  const material = loadTlsMaterial(config({ caFile: pki.caFile }));
  assert.ok(material.ca.length > tls.rootCertificates.length, 'bundled roots kept');
  for (const root of tls.rootCertificates.slice(0, 5)) assert.ok(material.ca.includes(root));
  assert.match(material.summary, /tls\.caFile/);
});

test('the same material shares one SecureContext; another CA gets its own', () => {
  const a = loadTlsMaterial(config({ caFile: pki.caFile }));
  const b = loadTlsMaterial(config({ caFile: pki.caFile }));
  assert.equal(a.secureContext, b.secureContext);
  const other = loadTlsMaterial(config({}));
  assert.notEqual(a.secureContext, other.secureContext);
});

test('a client certificate with its (encrypted) key loads; the flag says so', () => {
  assert.equal(loadTlsMaterial(config({ certFile: pki.client.cert, keyFile: pki.client.key })).clientCertificate, true);
  assert.equal(loadTlsMaterial(config({ certFile: pki.client.cert, keyFile: pki.client.encryptedKey, keyPassphrase: 'correct horse' })).clientCertificate, true);
});

test('unusable files and passphrases name the field to fix', () => {
  assert.equal(failure({ caFile: join(pki.dir, 'missing.pem') }).field, 'tls.caFile');
  assert.match(failure({ caFile: join(pki.dir, 'missing.pem') }).message, /ENOENT/);
  const notPem = join(pki.dir, 'not-pem.txt');
  writeFileSync(notPem, 'hello');
  assert.equal(failure({ caFile: notPem }).field, 'tls.caFile');
  assert.equal(failure({ certFile: join(pki.dir, 'nope.pem'), keyFile: pki.client.key }).field, 'tls.certFile');
  const wrong = failure({ certFile: pki.client.cert, keyFile: pki.client.encryptedKey, keyPassphrase: 'wrong' });
  assert.equal(wrong.field, 'tls.keyPassphrase');
  assert.doesNotMatch(wrong.message, /wrong/, 'the passphrase itself is never in the message');
  const missing = failure({ certFile: pki.client.cert, keyFile: pki.client.encryptedKey });
  assert.equal(missing.field, 'tls.keyPassphrase');
  assert.match(missing.message, /encrypted/);
  assert.equal(failure({ certFile: pki.client.cert, keyFile: pki.server.key }).field, 'tls.keyFile');
});

test('files are read again at each load, so a rotated CA or client certificate is used at the next connect', () => {
  const other = makeTestPki({ name: 'rotated' });
  try {
    const rotating = join(pki.dir, 'rotating-ca.pem');
    writeFileSync(rotating, readFileSync(pki.caFile));
    const before = loadTlsMaterial(config({ caFile: rotating }));
    writeFileSync(rotating, readFileSync(other.caFile));
    const after = loadTlsMaterial(config({ caFile: rotating }));
    assert.notEqual(before.secureContext, after.secureContext);
    assert.ok(after.ca.includes(readFileSync(other.caFile, 'utf8')));
  } finally {
    other.remove();
  }
});
