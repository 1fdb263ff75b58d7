// Secret placeholders and redaction.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redact, redactUrl, resolveHeaders } from '../../../src/core/secrets.ts';

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
