// Secret placeholders and redaction.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redact, redactUrl, resolveConfigSecrets, resolveHeaders } from '../../../src/core/secrets.ts';
import { parseEndpoints, secretNames, withNetwork } from '../../../src/core/config.ts';

test('resolves every placeholder, async or not, and lists the values for redaction', async () => {
  const r = await resolveHeaders({ Authorization: 'Bearer ${secret:a}', 'X-Both': '${secret:a}:${secret:b}', Plain: 'x' }, async (n) => `v-${n}-1234`);
  assert.deepEqual(r, {
    ok: true,
    headers: { Authorization: 'Bearer v-a-1234', 'X-Both': 'v-a-1234:v-b-1234', Plain: 'x' },
    secrets: ['v-a-1234', 'v-b-1234'],
  });
});

test('a missing, empty or throwing secret is reported by name', async () => {
  assert.deepEqual(await resolveHeaders({ A: '${secret:gone}' }, () => undefined), { ok: false, missing: 'gone' });
  assert.deepEqual(await resolveHeaders({ A: '${secret:empty}' }, () => ''), { ok: false, missing: 'empty' });
  assert.deepEqual(await resolveHeaders({ A: '${secret:boom}' }, () => { throw new Error('keychain locked'); }), { ok: false, missing: 'boom' });
  assert.deepEqual(await resolveHeaders({ A: '${secret:x}' }, undefined), { ok: false, missing: 'x' });
});

test('redact replaces every occurrence, including URL-encoded forms', () => {
  const secret = 'p@ss/word+1';
  const text = `auth ${secret} failed; url ?t=${encodeURIComponent(secret)}; again ${secret}`;
  assert.equal(redact(text, [secret]), 'auth *** failed; url ?t=***; again ***');
  assert.equal(redact('ab and ab', ['ab']), 'ab and ab', 'too-short values are left alone');
});

test('redactUrl hides user info and token-like query values', () => {
  assert.equal(redactUrl('https://user:pw@example.com/mcp'), 'https://***:***@example.com/mcp');
  assert.equal(redactUrl('https://example.com/sse?api_key=abc&room=lobby'), 'https://example.com/sse?api_key=***&room=lobby');
  assert.equal(redactUrl('https://example.com/sse?x=eyJhbGciOiJIUzI1NiJ9abc123'), 'https://example.com/sse?x=***');
  assert.equal(redactUrl('wss://example.com/ws'), 'wss://example.com/ws');
  assert.equal(redactUrl('not a url?token=abc'), 'not a url');
});

test('the proxy password and key passphrase are secrets too: resolved at connect, URL-encoded in the proxy URL, all redacted', async () => {
  const { endpoints } = parseEndpoints([{
    name: 'e', kind: 'sse', url: 'https://api.example/e', proxy: 'http://alice:${secret:proxy-pw}@proxy.corp:3128',
    headers: { Authorization: 'Bearer ${secret:token}' },
    tls: { certFile: 'c.pem', keyFile: 'k.pem', keyPassphrase: '${secret:key-pass}' },
  }]);
  const config = endpoints[0]!;
  assert.deepEqual(secretNames(config).sort(), ['key-pass', 'proxy-pw', 'token']);
  const values: Record<string, string> = { 'proxy-pw': 'p@ss:w/rd', token: 'tok-123456', 'key-pass': 'open sesame' };
  const resolved = await resolveConfigSecrets(config, (name) => values[name]);
  assert.ok(resolved.ok);
  const route = resolved.config.network.route;
  assert.equal(route.mode === 'proxy' && route.url, `http://alice:${encodeURIComponent('p@ss:w/rd')}@proxy.corp:3128`);
  assert.equal(resolved.config.tls.keyPassphrase, 'open sesame');
  assert.equal(resolved.config.headers.Authorization, 'Bearer tok-123456');
  const leaked = `proxy http://alice:${encodeURIComponent('p@ss:w/rd')}@proxy.corp said p@ss:w/rd; key open sesame; tok-123456`;
  assert.doesNotMatch(redact(leaked, resolved.secrets), /p@ss|p%40ss|open sesame|tok-123456/);
  const missing = await resolveConfigSecrets(config, (name) => (name === 'key-pass' ? undefined : values[name]));
  assert.deepEqual(missing, { ok: false, missing: 'key-pass' });
});

test('literal proxy credentials and VS Code\'s http.proxyAuthorization are redacted as well', async () => {
  const { endpoints } = parseEndpoints([{ name: 'e', kind: 'sse', url: 'https://api.example/e' }]);
  const [config] = withNetwork(endpoints, { httpProxy: '', httpsProxy: 'http://bob:literal-pw@p:1', noProxy: [], source: 'VS Code http.proxy', authorization: 'Basic Ym9iOmxpdGVyYWwtcHc=', strictSSL: true }, true);
  const resolved = await resolveConfigSecrets(config!, undefined);
  assert.ok(resolved.ok);
  assert.doesNotMatch(redact('literal-pw Basic Ym9iOmxpdGVyYWwtcHc=', resolved.secrets), /literal-pw|Ym9iOmxpdGVyYWwtcHc=/);
});
