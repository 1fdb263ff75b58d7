// The generated nginx / HAProxy configs carry the settings the lab relies on (h2c for gRPC, upgrade
// headers for WebSocket, unbuffered streaming, the idle timeout in seconds, TLS termination and mTLS).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { haproxyConfig, nginxConfig } from '../../../../src/lab/proxies/index.ts';

test('nginx: http mode streams unbuffered with the idle timeout as proxy_read_timeout', () => {
  const conf = nginxConfig({ upstreamPort: 4000, mode: 'http', idleTimeoutSeconds: 5 }, 8080, '/tmp/x');
  assert.match(conf, /listen 127\.0\.0\.1:8080;/);
  assert.match(conf, /proxy_pass http:\/\/127\.0\.0\.1:4000;/);
  assert.match(conf, /proxy_buffering off;/);
  assert.match(conf, /proxy_read_timeout 5s;/);
  assert.doesNotMatch(conf, /grpc_pass|Upgrade/);
});

test('nginx: grpc mode listens h2c (1.22 syntax) and uses grpc_read_timeout; websocket mode forwards Upgrade', () => {
  const grpcConf = nginxConfig({ upstreamPort: 4000, mode: 'grpc', idleTimeoutSeconds: 2 }, 8080, '/tmp/x');
  assert.match(grpcConf, /listen 127\.0\.0\.1:8080 http2;/);
  assert.match(grpcConf, /grpc_pass grpc:\/\/127\.0\.0\.1:4000;/);
  assert.match(grpcConf, /grpc_read_timeout 2s;/);
  const wsConf = nginxConfig({ upstreamPort: 4000, mode: 'websocket', idleTimeoutSeconds: 3 }, 8080, '/tmp/x');
  assert.match(wsConf, /proxy_set_header Upgrade \$http_upgrade;/);
  assert.match(wsConf, /proxy_set_header Connection "upgrade";/);
});

test('nginx with TLS: listens ssl (plus http2 for grpc or when asked) and demands a client certificate only with a CA', () => {
  const tls = { certFile: '/c/server.pem', keyFile: '/c/server.key' };
  const plain = nginxConfig({ upstreamPort: 4000, mode: 'http', idleTimeoutSeconds: 5 }, 8080, '/tmp/x', tls);
  assert.match(plain, /listen 127\.0\.0\.1:8080 ssl;/);
  assert.match(plain, /ssl_certificate \/c\/server\.pem;\n\s*ssl_certificate_key \/c\/server\.key;/);
  assert.doesNotMatch(plain, /ssl_verify_client/);
  const mtls = nginxConfig({ upstreamPort: 4000, mode: 'grpc', idleTimeoutSeconds: 2 }, 8080, '/tmp/x', { ...tls, clientCaFile: '/c/ca.pem' });
  assert.match(mtls, /listen 127\.0\.0\.1:8080 ssl http2;/);
  assert.match(mtls, /ssl_client_certificate \/c\/ca\.pem;\n\s*ssl_verify_client on;/);
  const h2 = nginxConfig({ upstreamPort: 4000, mode: 'http', idleTimeoutSeconds: 5 }, 8080, '/tmp/x', { ...tls, http2: true });
  assert.match(h2, /listen 127\.0\.0\.1:8080 ssl http2;/);
});

test('haproxy: timeouts in seconds, tunnel timeout for websocket, proto h2 both sides for grpc', () => {
  const http = haproxyConfig({ upstreamPort: 4000, mode: 'http', idleTimeoutSeconds: 5 }, 8080);
  assert.match(http, /timeout server 5s/);
  assert.match(http, /timeout client 5s/);
  assert.match(http, /timeout tunnel 5s/);
  assert.match(http, /bind 127\.0\.0\.1:8080\n/);
  const grpc = haproxyConfig({ upstreamPort: 4000, mode: 'grpc', idleTimeoutSeconds: 5 }, 8080);
  assert.match(grpc, /bind 127\.0\.0\.1:8080 proto h2/);
  assert.match(grpc, /server s1 127\.0\.0\.1:4000 proto h2/);
});
