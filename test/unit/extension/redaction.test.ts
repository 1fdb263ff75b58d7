// Redaction: a planted secret never survives into log lines, reports, status text or errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redactor } from '../../../src/extension/redaction.ts';
import { formatEvent } from '../../../src/extension/logFormat.ts';
import { summarize } from '../../../src/extension/statusSummary.ts';
import type { EndpointStatus } from '../../../src/core/model.ts';
import { redactUrl, SECRET_QUERY_WORDS } from '../../../src/core/secrets.ts';

const SECRET = 'sk-planted-7f3a9c1e5b';

test('known secret values are masked wherever they appear', () => {
  const r = new Redactor();
  r.add(SECRET);
  assert.equal(r.redact(`Authorization: x-${SECRET}-y`), 'Authorization: x-***-y');
  assert.equal(r.redact('nothing here'), 'nothing here');
});

test('URL credentials, token-like query parameters and auth schemes are masked without a known value', () => {
  const r = new Redactor();
  assert.equal(r.redact('https://bob:hunter2@example.com/mcp'), 'https://***@example.com/mcp');
  assert.equal(r.redact('wss://x.example/ws?room=1&access_token=abc.def&v=2'), 'wss://x.example/ws?room=1&access_token=***&v=2');
  assert.equal(r.redact('GET /e?api_key=zzz'), 'GET /e?api_key=***');
  assert.equal(r.redact('header Bearer eyJhbGciOi.x.y'), 'header Bearer ***');
});

test('a longer secret containing a shorter one is masked whole; removed secrets stop matching', () => {
  const r = new Redactor();
  r.add('abcd');
  r.add('abcdefgh');
  assert.equal(r.redact('abcdefgh abcd'), '*** ***');
  r.remove('abcd');
  assert.equal(r.redact('abcd'), 'abcd');
  assert.equal(r.size, 1);
});

test('a planted secret is absent from log lines, report objects and status/tooltip text', () => {
  const r = new Redactor();
  r.add(SECRET);
  const lines = [
    formatEvent({ ts: 't', endpoint: 'a', event: 'error', cause: 'http-status', httpStatus: 401, message: `rejected token ${SECRET}` }),
    formatEvent({ ts: 't', endpoint: 'a', event: 'drop', cause: 'reset', streamAgeMs: 1, silenceMs: 1, detail: `peer echoed ${SECRET}` }),
    formatEvent({ ts: 't', endpoint: 'a', event: 'open', detail: `Authorization=Bearer ${SECRET}` }),
  ].map((l) => r.redact(l.text));
  for (const line of lines) assert.ok(!line.includes(SECRET), line);

  const report = r.redactDeep({ endpoints: [{ name: 'a', url: `https://x.example/?token=${SECRET}`, lastError: { message: `bad ${SECRET}` } }], [SECRET]: 1 });
  const json = JSON.stringify(report);
  assert.ok(!json.includes(SECRET), json);
  assert.ok(json.includes('"***":1'));

  const status: EndpointStatus = {
    name: 'a', kind: 'sse', url: 'https://x.example/e', state: 'failed', attempt: 1, reason: `server said ${SECRET}`,
    findings: [], heartbeatSeconds: 15, idleTimeoutSeconds: 45,
  };
  const summary = summarize({ statuses: [r.redactDeep(status)], blocked: [], issues: [], now: 0 });
  assert.ok(!summary.tooltipMarkdown.includes(SECRET));
  assert.ok(!summary.accessibilityLabel.includes(SECRET));
  assert.ok(summary.tooltipMarkdown.includes('server said \\*\\*\\*'));

  const error = new Error(r.redact(`connect failed with ${SECRET}`));
  assert.ok(!error.message.includes(SECRET));
});

test('very short values are not treated as secrets (they would mangle ordinary text)', () => {
  const r = new Redactor();
  r.add('ab');
  assert.equal(r.redact('abc'), 'abc');
});

test('exported reports (JSON and CSV) never contain a planted secret', async () => {
  const { buildReport } = await import('../../../src/extension/report.ts');
  const r = new Redactor();
  r.add(SECRET);
  const history = {
    schemaVersion: 1 as const,
    savedAt: '2026-11-22T15:00:00.000Z',
    endpoints: {
      a: {
        sessions: [{ openedAt: 1, endedAt: 2, ageMs: 1, cause: 'reset' as const, detail: `echo ${SECRET}` }],
        drops: [{ at: 2, cause: 'http-status' as const, streamAgeMs: 1, silenceMs: 1, detail: `401 for ${encodeURIComponent(SECRET)}` }],
        errors: [{ at: 3, cause: 'http-status' as const, message: `token ${SECRET} rejected` }],
        heartbeatTimes: { in: [], out: [] },
        heartbeats: { in: { direction: 'in' as const, count: 0 }, out: { direction: 'out' as const, count: 0 } },
        connects: [], maxSilenceMs: 0, warnings: 0,
      },
    },
  };
  const status: EndpointStatus[] = [{
    name: 'a', kind: 'sse', url: `https://x.example/e?key=${SECRET}`, state: 'failed', attempt: 1, reason: `bad ${SECRET}`,
    findings: [], heartbeatSeconds: 15, idleTimeoutSeconds: 45,
  }];
  const input = { status, history, blocked: [{ name: 'b', reason: `x ${SECRET}` }], generatedAt: 0, version: '0.1.0' };
  const json = buildReport('json', input, r);
  const csv = buildReport('csv', input, r);
  for (const text of [json, csv]) {
    assert.ok(!text.includes(SECRET), text);
    assert.ok(!text.includes(encodeURIComponent(SECRET)), text);
  }
  // The report still carries the data around the secret.
  assert.equal(JSON.parse(json).history.endpoints.a.errors[0].message, 'token *** rejected');
  assert.match(csv, /a,drop,1970-01-01T00:00:00\.002Z,,http-status,1,1,,,,,401 for \*\*\*/);
});

test('free text and URLs mask the same secret-sounding query names, from the core\'s one list', () => {
  const r = new Redactor();
  for (const word of SECRET_QUERY_WORDS) {
    const url = `https://h/p?page=2&X-${word.toUpperCase()}-id=plain-value`;
    assert.equal(redactUrl(url), `https://h/p?page=2&X-${word.toUpperCase()}-id=***`, `redactUrl: ${word}`);
    assert.equal(r.redact(`GET ${url} failed`), `GET https://h/p?page=2&X-${word.toUpperCase()}-id=*** failed`, `Redactor: ${word}`);
  }
  assert.equal(r.redact('see https://h/p?page=2'), 'see https://h/p?page=2', 'other names are left alone');
});
