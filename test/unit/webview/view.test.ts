// The filter match and the toolbar summary line.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesFilter, summaryLine } from '../../../src/webview/view.ts';
import { idleFinding, status } from './fixtures.ts';

test('the filter is a case-insensitive substring of the name; blank matches all', () => {
  assert.equal(matchesFilter('Orders-MCP', 'mcp'), true);
  assert.equal(matchesFilter('orders-mcp', '  '), true);
  assert.equal(matchesFilter('orders-mcp', 'grpc'), false);
  assert.equal(matchesFilter('<img src=x>', '<img'), true);
});

test('the summary counts open, stale, down, paused and blocked endpoints, and findings', () => {
  const statuses = [
    status({ name: 'a', state: 'open' }),
    status({ name: 'b', state: 'stale' }),
    status({ name: 'c', state: 'backoff' }),
    status({ name: 'd', state: 'failed' }),
    status({ name: 'e', state: 'paused', findings: [idleFinding, { ...idleFinding, finding: 'flapping' }] }),
  ];
  assert.equal(summaryLine(statuses, 1), '1 of 5 streams open · 1 stale · 2 down or reconnecting · 1 paused · 1 blocked · 2 findings');
  assert.equal(summaryLine([status({ name: 'a', findings: [idleFinding] })], 0), '1 of 1 stream open · 1 finding');
  assert.equal(summaryLine([status({ name: 'a' })], 0), '1 of 1 stream open');
  assert.equal(summaryLine([], 0), 'No endpoints');
});
