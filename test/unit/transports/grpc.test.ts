// Unit tests for the grpc transport's pure parts: the tiny protobuf codec and the status -> EndInfo map.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeHealthStatus, encodeHealthCheckRequest, servingStatusName } from '../../../src/transports/grpc/protobuf.ts';
import { classifyGrpcEnd } from '../../../src/transports/grpc/status.ts';
import { grpcConnectTimeoutMs, grpcTarget } from '../../../src/transports/grpc.ts';

describe('grpc protobuf codec', () => {
  it('encodes HealthCheckRequest.service as field 1, length-delimited', () => {
    assert.deepEqual([...encodeHealthCheckRequest('ab')], [0x0a, 0x02, 0x61, 0x62]);
  });

  it('encodes an empty service as an empty message (proto3 default)', () => {
    assert.equal(encodeHealthCheckRequest('').length, 0);
  });

  it('uses a multi-byte varint length for a long service name', () => {
    const bytes = encodeHealthCheckRequest('x'.repeat(200));
    assert.deepEqual([...bytes.subarray(0, 3)], [0x0a, 0xc8, 0x01]);
    assert.equal(bytes.length, 203);
  });

  it('decodes HealthCheckResponse.status', () => {
    assert.equal(decodeHealthStatus(Uint8Array.from([0x08, 0x01])), 1);
    assert.equal(decodeHealthStatus(Uint8Array.from([0x08, 0x02])), 2);
    assert.equal(servingStatusName(2), 'NOT_SERVING');
  });

  it('reads an empty response as UNKNOWN and skips unknown fields', () => {
    assert.equal(decodeHealthStatus(new Uint8Array(0)), 0);
    // field 2 (string "hi") then field 1 = 3
    assert.equal(decodeHealthStatus(Uint8Array.from([0x12, 0x02, 0x68, 0x69, 0x08, 0x03])), 3);
  });

  it('rejects bytes that are not a HealthCheckResponse', () => {
    assert.equal(decodeHealthStatus(Uint8Array.from([0x0a, 0x05, 0x01])), undefined, 'length past the end');
    assert.equal(decodeHealthStatus(Uint8Array.from([0x08])), undefined, 'truncated varint');
    assert.equal(decodeHealthStatus(Uint8Array.from([0x0b])), undefined, 'wire type 3 (groups) is not accepted');
  });
});

describe('grpc status mapping', () => {
  it('maps OK after open to eof, with the code', () => {
    const info = classifyGrpcEnd({ code: 0, details: 'OK' }, true);
    assert.equal(info.cause, 'eof');
    assert.equal(info.grpcCode, 0);
    assert.equal(info.error, undefined);
    assert.equal(info.retryable, true);
  });

  it("maps nginx's idle-timeout RST_STREAM (INTERNAL) to reset", () => {
    const info = classifyGrpcEnd({ code: 13, details: 'Received RST_STREAM with code 2 (Internal server error)' }, true);
    assert.equal(info.cause, 'reset');
    assert.equal(info.grpcCode, 13);
    assert.match(info.detail, /13 INTERNAL/);
    assert.equal(info.end, 'rst-internal-error', 'the RST_STREAM code is the close shape nginx leaves');
    assert.equal(classifyGrpcEnd({ code: 13, details: 'Received RST_STREAM with code 0' }, true).end, 'rst-no-error');
    assert.equal(classifyGrpcEnd({ code: 0, details: 'OK' }, true).end, 'clean');
  });

  it('maps a dropped connection (UNAVAILABLE) and a peer cancel to reset', () => {
    assert.equal(classifyGrpcEnd({ code: 14, details: 'Connection dropped' }, true).cause, 'reset');
    assert.equal(classifyGrpcEnd({ code: 1, details: 'Call cancelled' }, true).cause, 'reset');
  });

  it('maps a status the server sent on purpose to grpc-status', () => {
    const info = classifyGrpcEnd({ code: 14, details: 'server shutting down' }, true);
    assert.equal(info.cause, 'grpc-status');
    assert.equal(info.grpcCode, 14);
    assert.equal(info.retryable, true);
  });

  it('marks UNAUTHENTICATED, PERMISSION_DENIED and UNIMPLEMENTED not retryable', () => {
    for (const code of [16, 7, 12]) {
      assert.equal(classifyGrpcEnd({ code, details: '' }, true).retryable, false, `after open, code ${code}`);
      const early = classifyGrpcEnd({ code, details: '' }, false);
      assert.equal(early.retryable, false, `before open, code ${code}`);
      assert.equal(early.error, 'config');
    }
  });

  it('maps the receive size cap to protocol-error', () => {
    const info = classifyGrpcEnd({ code: 8, details: 'Received message larger than max (2000000 vs. 1048576)' }, true);
    assert.equal(info.cause, 'protocol-error');
    assert.equal(info.grpcCode, 8);
  });

  it('classifies failures before open as connect-failed, dns, tls or http-status', () => {
    const refused = classifyGrpcEnd({ code: 14, details: 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:9' }, false);
    assert.equal(refused.error, 'connect-failed');
    assert.equal(refused.retryable, true);
    assert.equal(classifyGrpcEnd({ code: 14, details: 'Name resolution failed for target dns:nope.invalid:443' }, false).error, 'dns');
    assert.equal(classifyGrpcEnd({ code: 14, details: 'No connection established. Last error: Error: self-signed certificate' }, false).error, 'tls');
    const http = classifyGrpcEnd({ code: 14, details: 'Received HTTP status code 502' }, false);
    assert.equal(http.error, 'http-status');
    assert.equal(http.httpStatus, 502);
    assert.equal(http.retryable, true);
    assert.equal(classifyGrpcEnd({ code: 16, details: 'Received HTTP status code 401' }, false).retryable, false);
  });

  it('keeps server-chosen details on one line', () => {
    const info = classifyGrpcEnd({ code: 2, details: 'evil\r\nSet-Cookie: x' }, true);
    assert.doesNotMatch(info.detail, /[\r\n]/);
  });
});

describe('grpc target', () => {
  it('uses h2c for http/grpc and TLS for https/grpcs, with default ports', () => {
    assert.deepEqual(grpcTarget('grpc://127.0.0.1:5000'), { address: '127.0.0.1:5000', secure: false });
    assert.deepEqual(grpcTarget('http://localhost'), { address: 'localhost:80', secure: false });
    assert.deepEqual(grpcTarget('grpcs://example.com'), { address: 'example.com:443', secure: true });
    assert.deepEqual(grpcTarget('https://[::1]:8443'), { address: '[::1]:8443', secure: true });
  });
});

describe('grpc connect timeout', () => {
  it('follows a short idle window within 2..10 s, and is 10 s with the watchdog off', () => {
    assert.equal(grpcConnectTimeoutMs({ idleTimeoutSeconds: 2 }), 2000);
    assert.equal(grpcConnectTimeoutMs({ idleTimeoutSeconds: 0.5 }), 2000);
    assert.equal(grpcConnectTimeoutMs({ idleTimeoutSeconds: 45 }), 10_000);
    assert.equal(grpcConnectTimeoutMs({ idleTimeoutSeconds: 0 }), 10_000);
  });
});
