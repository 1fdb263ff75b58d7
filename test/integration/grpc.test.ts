// The grpc transport driven by the real core Monitor against real grpc-js servers, through real nginx
// and HAProxy: idle-timeout drops and their diagnosis, server keepalive, silent death, restarts, bad
// input, no leaks.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorEvent } from '../../src/core/events.ts';
import { freePort } from '../../src/lab/net.ts';
import { nginxAvailable, startNginx } from '../../src/lab/proxies/index.ts';
import { startGrpcHealthServer } from '../../src/lab/servers/grpc.ts';
import { connectGrpc } from '../../src/transports/grpc.ts';
import { GOOD_TOKEN, startGrpcTestServer, TEST_METHODS } from './support/grpcServers.ts';
import { isDrop, isError, LAB_PROXIES, watch, withCleanup } from './support/grpcWsMonitor.ts';
import {
  closeContractProof, FAST_RECONNECT, GROWING_RECONNECT, heartbeats, leakProof, LIFECYCLE_IDLE_SECONDS, PROXY_IDLE_SECONDS, proxyIdleTimeoutProof,
  refusedPortProof, restartProof, silentDeathProof, SLOW_RECONNECT, staysUpProof, tlsProof,
} from './support/grpcWsProofs.ts';
import { endpoint, sleep } from './support/monitorHarness.ts';

const grpcAt = (port: number) => `grpc://127.0.0.1:${port}`;

describe('grpc: a silent Watch through a proxy with a 2 s idle timeout (proof 1)', { concurrency: true }, () => {
  for (const proxy of LAB_PROXIES) {
    it(`${proxy.name}: drops again and again after ~2 s, and the diagnosis estimates 2 s within 10 %`, { skip: proxy.skip }, async () => {
      // Client Health/Check probes and HTTP/2 PINGs every 1 s stay on: probes travel on separate
      // requests, PINGs are answered by the proxy; neither may keep the Watch alive. The watchdog
      // window is long so only the proxy ends streams.
      const { drops, events } = await proxyIdleTimeoutProof(() => startGrpcHealthServer(), proxy.start, 'grpc', (port) =>
        endpoint({ kind: 'grpc', url: grpcAt(port), heartbeatSeconds: 1, idleTimeoutSeconds: 30, grpc: { keepaliveSeconds: 1 }, reconnect: FAST_RECONNECT }),
      );
      const open = events.find((e) => e.event === 'open');
      assert.match(open?.event === 'open' ? open.detail : '', /HTTP\/2 PING every 1 s .*does not keep a stream alive through an L7 proxy/);
      for (const drop of drops) {
        assert.equal(drop.cause, 'reset', `RST_STREAM from the proxy is a reset: ${drop.detail}`);
        assert.equal(typeof drop.grpcCode, 'number', 'grpcCode is always reported');
      }
      assert.ok(heartbeats(events, 'out', 'grpc-check').length >= 1, 'Health/Check probes were answered while the Watch kept dying');
    });
  }
});

describe('grpc: server keepalive messages every 0.5 s through the same proxies (proof 2)', { concurrency: true }, () => {
  for (const proxy of LAB_PROXIES) {
    it(`${proxy.name}: the Watch stays open for 10 s (5 x the proxy timeout) with no drop`, { skip: proxy.skip }, async () => {
      const events = await staysUpProof(() => startGrpcHealthServer({ keepaliveMessageMs: 500 }), proxy.start, 'grpc', (port) =>
        endpoint({ kind: 'grpc', url: grpcAt(port), heartbeatSeconds: 0, idleTimeoutSeconds: 3, reconnect: FAST_RECONNECT }),
      );
      const messages = heartbeats(events, 'in', 'grpc-message').length;
      assert.ok(messages >= 15, `~20 keepalive messages arrived through the proxy, got ${messages}`);
    });
  }
});

describe('grpc: silent death and restarts of a real server process', () => {
  // Keepalive messages every 250 ms keep the Watch busy, so only the server's death silences it.
  const configFor = (url: string) =>
    endpoint({ kind: 'grpc', url, heartbeatSeconds: 0.5, idleTimeoutSeconds: LIFECYCLE_IDLE_SECONDS, reconnect: GROWING_RECONNECT });

  it('SIGSTOP: watchdog drop within the idle window + 20 %, growing backoff, open again after SIGCONT (proof 4)', async () => {
    await silentDeathProof('grpc', { keepaliveMessageMs: 250 }, configFor);
  });

  it('kill + restart on the same port: classified drop, growing backoff, reconnect, backoff reset after a healthy session (proof 5)', async () => {
    const drop = await restartProof('grpc', { keepaliveMessageMs: 250 }, configFor);
    assert.ok(['reset', 'grpc-status'].includes(drop.cause), `classified: ${drop.cause} (${drop.detail})`);
    assert.equal(typeof drop.grpcCode, 'number', 'grpcCode is always reported');
  });
});

describe('grpc: bad input from real misbehaving servers (proof 6)', () => {
  it('a stream message over maxMessageBytes ends the stream as protocol-error (RESOURCE_EXHAUSTED)', () =>
    withCleanup(async (defer) => {
      const server = await startGrpcTestServer({ bigMessageBytes: 64 * 1024 });
      defer(() => server.close());
      const w = watch(endpoint({
        kind: 'grpc', url: grpcAt(server.port), grpc: { method: TEST_METHODS.big }, maxMessageBytes: 4096,
        heartbeatSeconds: 0, idleTimeoutSeconds: 30, reconnect: SLOW_RECONNECT,
      }));
      defer(() => w.dispose());
      const drop = await w.log.waitFor(isDrop, 10_000);
      assert.equal(drop.cause, 'protocol-error', drop.detail);
      assert.equal(drop.grpcCode, 8);
      assert.match(drop.detail, /maxMessageBytes/);
      assert.ok(heartbeats(w.log.events, 'in', 'grpc-message').length >= 1, 'the small message before it was counted');
    }));

  it('a custom method whose server sends nothing (not even headers) opens once the channel is up, then the watchdog judges it', () =>
    withCleanup(async (defer) => {
      const server = await startGrpcTestServer();
      defer(() => server.close());
      const w = watch(endpoint({
        kind: 'grpc', url: grpcAt(server.port), grpc: { method: TEST_METHODS.silent },
        heartbeatSeconds: 0, idleTimeoutSeconds: 2, reconnect: SLOW_RECONNECT,
      }));
      defer(() => w.dispose());
      const open = await w.log.waitFor((e) => e.event === 'open', 10_000);
      assert.match(open.event === 'open' ? open.detail : '', /no response headers yet/);
      assert.deepEqual(w.log.of('error'), [], 'a quiet server is not a failed connect');
      const drop = await w.log.waitFor(isDrop, 10_000);
      assert.equal(drop.cause, 'watchdog', drop.detail);
    }));

  it('headers travel as metadata: a bad token is UNAUTHENTICATED and fails without retrying, the right one opens', () =>
    withCleanup(async (defer) => {
      const server = await startGrpcTestServer();
      defer(() => server.close());
      const config = (token: string) =>
        endpoint({ kind: 'grpc', url: grpcAt(server.port), grpc: { method: TEST_METHODS.auth }, headers: { Authorization: `Bearer ${token}` }, reconnect: FAST_RECONNECT });
      const denied = watch(config('wrong'));
      defer(() => denied.dispose());
      const error = await denied.log.waitFor(isError, 10_000);
      assert.equal(error.cause, 'config');
      assert.match(error.message, /16 UNAUTHENTICATED: missing or bad token/);
      assert.doesNotMatch(error.message, /wrong/, 'the token is not echoed');
      await sleep(500);
      assert.equal(denied.monitor.status()[0]?.state, 'failed');
      assert.equal(denied.log.of('connecting').length, 1, 'not retried');

      const allowed = watch(config(GOOD_TOKEN));
      defer(() => allowed.dispose());
      await allowed.log.waitFor((e) => e.event === 'open', 10_000);
    }));

  it('an UNIMPLEMENTED method is a config error and the session fails without retrying', () =>
    withCleanup(async (defer) => {
      const server = await startGrpcHealthServer();
      defer(() => server.close());
      const w = watch(endpoint({ kind: 'grpc', url: server.url, grpc: { method: '/streamhealth.test.Missing/Watch' }, reconnect: FAST_RECONNECT }));
      defer(() => w.dispose());
      const error = await w.log.waitFor(isError, 10_000);
      assert.equal(error.cause, 'config');
      assert.match(error.message, /12 UNIMPLEMENTED/);
      await sleep(500);
      assert.equal(w.monitor.status()[0]?.state, 'failed');
      assert.equal(w.log.of('connecting').length, 1, 'not retried');
    }));

  it('a refused port is a connect-failed error, retried with backoff', () =>
    refusedPortProof(grpcAt, (url) => endpoint({ kind: 'grpc', url, reconnect: FAST_RECONNECT })));

  it('TLS: self-signed refused by default and accepted with rejectUnauthorized false; private CA via caFile; expired refused', () =>
    tlsProof(
      async (tls) => {
        const server = await startGrpcTestServer({ tls });
        return { url: `grpcs://127.0.0.1:${server.port}`, close: () => server.close() };
      },
      (url, extra) => endpoint({ kind: 'grpc', url, ...extra }),
      'grpc-check',
    ));

  it('nginx in front of a dead upstream answers 502: an http-status error, retried', { skip: !nginxAvailable() && 'nginx is not installed' }, () =>
    withCleanup(async (defer) => {
      const lab = await startNginx({ upstreamPort: await freePort(), mode: 'grpc', idleTimeoutSeconds: PROXY_IDLE_SECONDS });
      defer(() => lab.stop());
      const w = watch(endpoint({ kind: 'grpc', url: grpcAt(lab.port), reconnect: FAST_RECONNECT }));
      defer(() => w.dispose());
      const errors = (await w.log.waitForCount((e) => isError(e), 2, 10_000)) as ErrorEvent[];
      assert.equal(errors[0]!.cause, 'http-status', errors[0]!.message);
      assert.equal(errors[0]!.httpStatus, 502);
      assert.equal(w.monitor.history().endpoints.test?.errors[0]?.htmlErrorPage, true);
    }));
});

describe('grpc: no leaks (proof 7)', () => {
  it('200 connect/drop cycles (100 ended by the server, 100 by the client) leave handles and sockets where they were', async () => {
    const server = await startGrpcTestServer({ endFirst: 100 });
    const config = endpoint({
      kind: 'grpc', url: grpcAt(server.port), grpc: { method: TEST_METHODS.flaky },
      heartbeatSeconds: 0, idleTimeoutSeconds: 0, reconnect: { initialDelaySeconds: 0.05, maxDelaySeconds: 0.05, jitter: 0 },
    });
    const serverEnded = await leakProof(server, config, 'eof');
    assert.ok(serverEnded.every((d) => d.grpcCode === 0), 'server-ended streams are eof with status OK');
  });
});

describe('grpc: transport contract', () => {
  it('ended() comes exactly once, with the cause given to close(), and a second close() is a no-op', () =>
    withCleanup(async (defer) => {
      const server = await startGrpcHealthServer();
      defer(() => server.close());
      await closeContractProof(connectGrpc, endpoint({ kind: 'grpc', url: server.url }), server, /channel is closed/);
    }));
});
