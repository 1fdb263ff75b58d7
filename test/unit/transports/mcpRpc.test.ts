// Unit tests for the MCP JSON-RPC helpers (src/transports/mcp/rpc.ts): parsing stream payloads and
// classifying what the server sent (server ping = heartbeat + answer, probe answers, invalid JSON).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Activity, TransportSink } from '../../../src/core/transport.ts';
import { onStreamPayload, parseRpc } from '../../../src/transports/mcp/rpc.ts';
import type { McpContext, RpcId } from '../../../src/transports/mcp/rpc.ts';

function context() {
  const activity: Activity[] = [];
  const warnings: string[] = [];
  const sink: TransportSink = {
    opened() {},
    activity: (a) => activity.push(a),
    warning: (m) => warnings.push(m),
    retryHint() {},
    evidence() {},
    ended() {},
  };
  const ctx = { sink } as unknown as McpContext;
  return { ctx, activity, warnings };
}

describe('parseRpc', () => {
  test('accepts one message or a batch of objects', () => {
    assert.deepEqual(parseRpc('{"jsonrpc":"2.0","method":"x"}'), { jsonrpc: '2.0', method: 'x' });
    assert.equal((parseRpc('[{"id":1,"result":{}},{"id":2,"result":{}}]') as unknown[]).length, 2);
  });
  test('rejects invalid JSON and non-objects', () => {
    assert.equal(parseRpc('{"jsonrpc": broken'), undefined);
    assert.equal(parseRpc('42'), undefined);
    assert.equal(parseRpc('[1,2]'), undefined);
  });
});

describe('onStreamPayload', () => {
  test('a server ping request is answered and counted as an inbound mcp-ping heartbeat', () => {
    const { ctx, activity } = context();
    const answered: RpcId[] = [];
    onStreamPayload(ctx, '{"jsonrpc":"2.0","id":"s-1","method":"ping"}', 40, (id) => answered.push(id));
    assert.deepEqual(answered, ['s-1']);
    assert.deepEqual(activity, [{ bytes: 40, heartbeat: 'mcp-ping' }]);
  });
  test('notifications are plain activity (messages)', () => {
    const { ctx, activity } = context();
    onStreamPayload(ctx, '{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}', 60, () => assert.fail('not a ping'));
    assert.deepEqual(activity, [{ bytes: 60 }]);
  });
  test('a response claimed by onResponse is left to its owner; an unclaimed one is activity', () => {
    const { ctx, activity } = context();
    onStreamPayload(ctx, '{"jsonrpc":"2.0","id":3,"result":{}}', 30, () => {}, (m) => m.id === 3);
    assert.deepEqual(activity, []);
    onStreamPayload(ctx, '{"jsonrpc":"2.0","id":4,"result":{}}', 30, () => {}, (m) => m.id === 3);
    assert.deepEqual(activity, [{ bytes: 30 }]);
  });
  test('invalid JSON is a warning, still inbound activity, and nothing is answered', () => {
    const { ctx, activity, warnings } = context();
    const messages = onStreamPayload(ctx, '{"jsonrpc": "2.0", "method": broken', 35, () => assert.fail('not a ping'));
    assert.deepEqual(messages, []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /invalid JSON-RPC/);
    assert.deepEqual(activity, [{ bytes: 35 }]);
  });
});
