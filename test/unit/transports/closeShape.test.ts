// How a broken stream ended on the wire, from what undici, Node's http2 and grpc-js say about it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brokenStreamShape } from '../../../src/transports/net/index.ts';

const withCode = (message: string, code?: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), code ? { code } : {}, extra);

test('an HTTP/1.1 body that stops without its terminal chunk is truncated', () => {
  assert.equal(brokenStreamShape(Object.assign(new TypeError('terminated'), { cause: withCode('other side closed', 'UND_ERR_SOCKET') })), 'truncated');
});

test('a TCP reset is a reset', () => {
  assert.equal(brokenStreamShape(Object.assign(new TypeError('terminated'), { cause: withCode('read ECONNRESET', 'ECONNRESET') })), 'reset');
});

test('HTTP/2 RST_STREAM codes from undici, Node and grpc-js', () => {
  assert.equal(brokenStreamShape(withCode('stream error', 'UND_ERR_INFO', { http2ErrorCode: 2 })), 'rst-internal-error');
  assert.equal(brokenStreamShape(withCode('Stream closed with error code NGHTTP2_PROTOCOL_ERROR', 'ERR_HTTP2_STREAM_ERROR')), 'rst-protocol-error');
  assert.equal(brokenStreamShape(new Error('Received RST_STREAM with code 8 triggered by the peer')), 'rst-cancel');
  assert.equal(brokenStreamShape(new Error('HTTP/2: "GOAWAY" frame received with code 0')), 'goaway');
});
