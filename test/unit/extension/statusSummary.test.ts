// Status bar aggregation: count text, colour level, tooltip rows and the accessibility label.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointStatus, HistorySnapshot } from '../../../src/core/model.ts';
import { summarize } from '../../../src/extension/statusSummary.ts';

const NOW = Date.UTC(2026, 10, 22, 15, 0, 0);

function status(name: string, state: EndpointStatus['state'], extra: Partial<EndpointStatus> = {}): EndpointStatus {
  return { name, kind: 'sse', url: `https://x.example/${name}`, state, attempt: 0, findings: [], heartbeatSeconds: 15, idleTimeoutSeconds: 45, ...extra };
}

test('all open: ok level and n/n text', () => {
  const s = summarize({ statuses: [status('a', 'open'), status('b', 'open'), status('c', 'open')], blocked: [], issues: [], now: NOW });
  assert.equal(s.text, '$(pulse) 3/3');
  assert.equal(s.level, 'ok');
  assert.equal(s.visible, true);
  assert.equal(s.accessibilityLabel, 'Stream Health: 3 of 3 streams open');
});

test('a stale or reconnecting stream gives the warning level; a failed one the error level', () => {
  assert.equal(summarize({ statuses: [status('a', 'open'), status('b', 'stale')], blocked: [], issues: [], now: NOW }).level, 'warning');
  assert.equal(summarize({ statuses: [status('a', 'open'), status('b', 'backoff', { attempt: 1 })], blocked: [], issues: [], now: NOW }).level, 'warning');
  const failed = summarize({ statuses: [status('a', 'stale'), status('b', 'failed', { reason: 'HTTP 401' })], blocked: [], issues: [], now: NOW });
  assert.equal(failed.level, 'error');
  assert.equal(failed.text, '$(pulse) 0/2');
  assert.match(failed.accessibilityLabel, /1 down/);
  // Repeatedly failing reconnects count as down too.
  const refused = { cause: 'connect-failed' as const, message: 'ECONNREFUSED', at: NOW - 1000 };
  assert.equal(summarize({ statuses: [status('a', 'backoff', { attempt: 5, lastError: refused })], blocked: [], issues: [], now: NOW }).level, 'error');
  // Reconnects that open and are cut again (an idle-killing proxy) raise the attempt count but are not down.
  const churning = summarize({ statuses: [status('a', 'open'), status('b', 'backoff', { attempt: 5 })], blocked: [], issues: [], now: NOW });
  assert.equal(churning.level, 'warning');
  assert.match(churning.accessibilityLabel, /1 stale or reconnecting/);
  assert.doesNotMatch(churning.accessibilityLabel, /down/);
});

test('paused endpoints leave the denominator; blocked ones are counted separately', () => {
  const s = summarize({
    statuses: [status('a', 'open'), status('b', 'paused', { reason: 'paused by the user' })],
    blocked: [{ name: 'ws-thing', reason: 'Workspace settings: not trusted' }],
    issues: [],
    now: NOW,
  });
  assert.equal(s.text, '$(pulse) 1/1 $(debug-pause) 1 $(workspace-untrusted) 1');
  assert.match(s.tooltipMarkdown, /\*\*Not started:\*\*/);
  assert.match(s.tooltipMarkdown, /ws\\-thing: Workspace settings: not trusted/);
  assert.match(s.accessibilityLabel, /1 not started in an untrusted workspace/);
});

test('tooltip has one row per endpoint with state, stream age, last heartbeat and drops in the last hour', () => {
  const history: HistorySnapshot = {
    schemaVersion: 1,
    savedAt: new Date(NOW).toISOString(),
    endpoints: {
      orders: {
        sessions: [], errors: [], connects: [], maxSilenceMs: 0, warnings: 0,
        heartbeatTimes: { in: [], out: [] },
        heartbeats: { in: { direction: 'in', count: 0 }, out: { direction: 'out', count: 0 } },
        drops: [
          { at: NOW - 2 * 3_600_000, cause: 'reset', streamAgeMs: 60_000, silenceMs: 60_000, detail: '' },
          { at: NOW - 600_000, cause: 'reset', streamAgeMs: 60_000, silenceMs: 60_000, detail: '' },
          { at: NOW - 300_000, cause: 'eof', streamAgeMs: 60_000, silenceMs: 60_000, detail: '' },
          { at: NOW - 100_000, cause: 'manual', streamAgeMs: 1000, silenceMs: 10, detail: '' },
        ],
      },
    },
  };
  const s = summarize({
    statuses: [status('orders', 'open', { openedAt: NOW - 125_000, lastHeartbeatInAt: NOW - 4000, lastHeartbeatOutAt: NOW - 9000 })],
    history,
    blocked: [],
    issues: [],
    now: NOW,
  });
  assert.ok(s.tooltipMarkdown.includes('| orders | open | 2 min 05 s | 4 s ago (server) | 2 |'), s.tooltipMarkdown);
});

test('untrusted strings in names are escaped in the Markdown tooltip', () => {
  const s = summarize({ statuses: [status('<img src=x onerror=alert(1)> **bold** [l](http://x)', 'open')], blocked: [], issues: [], now: NOW });
  assert.ok(!s.tooltipMarkdown.includes('<img'), s.tooltipMarkdown);
  assert.ok(!s.tooltipMarkdown.includes('**bold**'));
  assert.ok(!s.tooltipMarkdown.includes('[l](http'));
  assert.ok(s.tooltipMarkdown.includes('&lt;img src=x onerror=alert\\(1\\)&gt;'));
});

test('nothing configured: hidden; only invalid entries: visible with a warning and the entries listed', () => {
  assert.equal(summarize({ statuses: [], blocked: [], issues: [], now: NOW }).visible, false);
  const s = summarize({ statuses: [], blocked: [], issues: ['User settings: endpoints[0].url: not a URL'], now: NOW });
  assert.equal(s.visible, true);
  assert.equal(s.level, 'warning');
  assert.match(s.tooltipMarkdown, /endpoints\\\[0\\\]\\\.url: not a URL/);
});

test('unknown settings fields are listed in the tooltip without turning a healthy item yellow', () => {
  const s = summarize({ statuses: [status('a', 'open')], blocked: [], issues: [], ignored: ['User settings: endpoints[0].heartbeatSecond: unknown field, ignored'], now: NOW });
  assert.equal(s.level, 'ok');
  assert.match(s.tooltipMarkdown, /\*\*Unknown settings fields \(ignored; the entries run\):\*\*\n\n- User settings: endpoints\\\[0\\\]\\\.heartbeatSecond: unknown field, ignored/);
  assert.match(s.accessibilityLabel, /1 unknown settings fields ignored/);
});

test('backoff rows show the retry countdown', () => {
  const s = summarize({ statuses: [status('a', 'backoff', { attempt: 2, nextAttemptAt: NOW + 3000 })], blocked: [], issues: [], now: NOW });
  assert.match(s.tooltipMarkdown, /backoff, retry in 3 s \\\(attempt 2\\\)/);
});

test('discovered servers: the source follows the name, the not-monitored ones are counted', () => {
  const s = summarize({ statuses: [status('github', 'open')], blocked: [], issues: [], now: NOW, discovered: 2, sources: { github: 'from .vscode/mcp.json' } });
  assert.ok(s.tooltipMarkdown.includes('| github (from \\.vscode/mcp\\.json) |'), s.tooltipMarkdown);
  assert.match(s.tooltipMarkdown, /\*\*Discovered:\*\* 2 MCP servers not monitored; run "Stream Health: Discover MCP Servers…"/);
  assert.match(s.accessibilityLabel, /2 discovered MCP servers not monitored/);
  assert.equal(summarize({ statuses: [], blocked: [], issues: [], now: NOW, discovered: 1 }).visible, true);
});

test('an endpoint that needs sign-in says "Sign in required" in the tooltip and names the command', () => {
  const lastError = { cause: 'auth' as const, message: 'sign in required: initialize answered 401', httpStatus: 401, at: NOW - 1000 };
  const s = summarize({ statuses: [status('gh', 'failed', { kind: 'mcp', lastError, reason: 'sign in required: initialize answered 401 (not retried until you sign in)' })], blocked: [], issues: [], now: NOW });
  assert.equal(s.level, 'error');
  assert.match(s.tooltipMarkdown, /\| gh \| Sign in required \\\(Stream Health: Sign In…\\\): sign in required: initialize answered 401/);
  // A plain 401 without the challenge stays "failed".
  const plain = summarize({ statuses: [status('x', 'failed', { lastError: { ...lastError, cause: 'http-status' }, reason: 'HTTP 401' })], blocked: [], issues: [], now: NOW });
  assert.doesNotMatch(plain.tooltipMarkdown, /Sign in required/);
});
