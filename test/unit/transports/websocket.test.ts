// Unit tests for the websocket transport's pure parts: close-code, HTTP refusal and connect-error maps.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyClose, classifyConnectError, closeCodeName, httpRefusal, subprotocolMismatch, wsHandshakeTimeoutMs } from '../../../src/transports/websocket.ts';

const err = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('websocket close mapping', () => {
  it('maps a server close frame to ws-close with code and escaped reason', () => {
    const info = classifyClose(1001, 'bye\nnow', null);
    assert.equal(info.cause, 'ws-close');
    assert.equal(info.wsCloseCode, 1001);
    assert.match(info.detail, /1001 going away: "bye now"/);
    assert.equal(info.retryable, true);
  });

  it('maps 1006 (no close frame) to reset', () => {
    const info = classifyClose(1006, '', err('ECONNRESET', 'read ECONNRESET'));
    assert.equal(info.cause, 'reset');
    assert.equal(info.wsCloseCode, 1006);
    assert.match(info.detail, /ECONNRESET/);
    assert.equal(info.end, 'ws-no-close-frame', 'a proxy that drops the TCP connection sends no close frame');
    assert.equal(classifyClose(1000, '', null).end, 'clean');
  });

  it('maps an oversized message to protocol-error with 1009', () => {
    const info = classifyClose(1006, '', err('WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 'Max payload size exceeded'));
    assert.equal(info.cause, 'protocol-error');
    assert.equal(info.wsCloseCode, 1009);
  });

  it('maps invalid UTF-8 to protocol-error with 1007', () => {
    assert.equal(classifyClose(1006, '', err('WS_ERR_INVALID_UTF8', 'Invalid UTF-8 sequence')).wsCloseCode, 1007);
  });

  it('names standard, application and unknown codes', () => {
    assert.equal(closeCodeName(1011), 'internal error');
    assert.equal(closeCodeName(4001), 'application-defined');
    assert.equal(closeCodeName(2999), 'unknown');
  });
});

describe('websocket refused upgrade', () => {
  const page = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>';

  it('reports an HTML 502 as http-status with an escaped excerpt, retryable', () => {
    const info = httpRefusal(502, 'Bad Gateway', 'text/html', page);
    assert.equal(info.cause, 'http-status');
    assert.equal(info.error, 'http-status');
    assert.equal(info.httpStatus, 502);
    assert.equal(info.htmlErrorPage, true);
    assert.equal(info.retryable, true);
    assert.doesNotMatch(info.detail, /</);
    assert.match(info.detail, /502 Bad Gateway/);
  });

  it('makes 401, 403 and 404 not retryable', () => {
    for (const status of [401, 403, 404]) assert.equal(httpRefusal(status, '', 'text/plain', 'no').retryable, false);
    assert.equal(httpRefusal(401, '', 'text/plain', 'no').htmlErrorPage, undefined);
  });

  it('honours Retry-After on 429 and 503 only', () => {
    assert.equal(httpRefusal(503, '', '', '', '7').retryAfterMs, 7000);
    assert.equal(httpRefusal(429, '', '', '', '2').retryAfterMs, 2000);
    assert.equal(httpRefusal(500, '', '', '', '7').retryAfterMs, undefined);
  });
});

describe('websocket connect errors', () => {
  it('classifies refused, DNS and TLS failures', () => {
    assert.equal(classifyConnectError(err('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')).error, 'connect-failed');
    assert.equal(classifyConnectError(err('ENOTFOUND', 'getaddrinfo ENOTFOUND nope.invalid')).error, 'dns');
    assert.equal(classifyConnectError(err('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate')).error, 'tls');
    assert.equal(classifyConnectError(new Error('Opening handshake has timed out')).error, 'connect-failed');
    assert.equal(classifyConnectError(null).retryable, true);
  });
});

describe('websocket subprotocol mismatch', () => {
  it('fails without retrying and names the setting, for each way the answer can disagree', () => {
    const none = subprotocolMismatch(['graphql-ws', 'graphql-transport-ws'], undefined);
    assert.deepEqual({ cause: none.cause, error: none.error, retryable: none.retryable }, { cause: 'protocol-error', error: 'config', retryable: false });
    assert.equal(none.detail, 'the server accepted none of the offered subprotocols (graphql-ws, graphql-transport-ws): list one it supports in websocket.protocols');
    assert.equal(subprotocolMismatch([], 'mqtt').detail, 'the server chose subprotocol "mqtt" but none was offered: add it to websocket.protocols');
    assert.equal(subprotocolMismatch(['v1'], 'v2').detail, 'the server chose subprotocol "v2", which was not offered (v1): add it to websocket.protocols');
  });

  it('escapes a hostile server-chosen name', () => {
    const detail = subprotocolMismatch([], `<b>x</b>\u0007${'y'.repeat(200)}`).detail;
    assert.doesNotMatch(detail, /<b>|\u0007/);
    assert.ok(detail.length < 200, detail);
  });
});

describe('websocket handshake timeout', () => {
  it('follows a short idle window within 2..10 s, and is 10 s with the watchdog off', () => {
    assert.equal(wsHandshakeTimeoutMs({ idleTimeoutSeconds: 3 }), 3000);
    assert.equal(wsHandshakeTimeoutMs({ idleTimeoutSeconds: 1 }), 2000);
    assert.equal(wsHandshakeTimeoutMs({ idleTimeoutSeconds: 60 }), 10_000);
    assert.equal(wsHandshakeTimeoutMs({ idleTimeoutSeconds: 0 }), 10_000);
  });
});
