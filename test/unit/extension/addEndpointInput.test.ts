// Add Endpoint… validation uses config.ts's rules as the user types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEndpoints } from '../../../src/core/config.ts';
import {
  buildEntry, suggestName, suggestSecretName, validateHeaderName, validateHeartbeat, validateName, validateSecretName, validateUrl,
} from '../../../src/extension/addEndpointInput.ts';

test('URL validation follows the kind’s schemes and rejects credentials in the URL', () => {
  assert.equal(validateUrl('sse', 'https://x.example/events'), undefined);
  assert.equal(validateUrl('sse', 'htp:/'), 'sse endpoints need a http: or https: URL, not htp:');
  assert.equal(validateUrl('mcp', 'not a url'), 'not a URL');
  assert.equal(validateUrl('websocket', 'https://x.example'), 'websocket endpoints need a ws: or wss: URL, not https:');
  assert.equal(validateUrl('grpc', 'grpcs://x.example:443'), undefined);
  assert.match(validateUrl('sse', 'https://u:p@x.example/')!, /credentials in the URL are not allowed/);
  assert.equal(validateUrl('sse', '  '), 'Enter the stream URL');
});

test('names must be non-empty, short and unique', () => {
  assert.equal(validateName('orders', ['other']), undefined);
  assert.match(validateName('orders', ['orders'])!, /already used/);
  assert.match(validateName('', [])!, /required/);
  assert.match(validateName('x'.repeat(81), [])!, /at most 80/);
});

test('heartbeat must be a number in range', () => {
  assert.equal(validateHeartbeat('15'), undefined);
  assert.equal(validateHeartbeat('0'), undefined);
  assert.match(validateHeartbeat('abc')!, /Enter seconds/);
  assert.equal(validateHeartbeat('4000'), 'must be between 0 and 3600');
});

test('secret and header names', () => {
  assert.equal(validateSecretName('ORDERS_TOKEN'), undefined);
  assert.ok(validateSecretName('has space'));
  assert.equal(validateHeaderName('Authorization'), undefined);
  assert.ok(validateHeaderName('Bad Header'));
  assert.equal(suggestSecretName('orders-mcp'), 'ORDERS_MCP_TOKEN');
});

test('suggested names are unique and readable', () => {
  assert.equal(suggestName('https://api.example.com/v1/mcp', []), 'api.example.com-mcp');
  assert.equal(suggestName('https://api.example.com/v1/mcp', ['api.example.com-mcp']), 'api.example.com-mcp-2');
  assert.equal(suggestName('nope', []), 'endpoint');
});

test('the entry written to settings is valid and keeps the secret as a placeholder', () => {
  const entry = buildEntry({ kind: 'mcp', url: ' https://x.example/mcp ', name: 'orders', heartbeatSeconds: 20, header: { name: 'Authorization', value: 'Bearer ${secret:ORDERS_TOKEN}' } });
  assert.deepEqual(entry, { name: 'orders', kind: 'mcp', url: 'https://x.example/mcp', headers: { Authorization: 'Bearer ${secret:ORDERS_TOKEN}' }, heartbeatSeconds: 20, idleTimeoutSeconds: 60 });
  const parsed = parseEndpoints([entry]);
  assert.equal(parsed.issues.length, 0);
  assert.equal(parsed.endpoints[0]!.idleTimeoutSeconds, 60);
});
