// The grpc transport driven by the real core Monitor against real grpc-js servers, through real nginx
// and HAProxy (issue 3 proofs 1, 2, 4, 5, 6, 7 for gRPC).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorEvent } from '../../src/core/events.ts';
import { freePort } from '../../src/lab/net.ts';
import { nginxAvailable, startNginx } from '../../src/lab/proxies/index.ts';
import { startGrpcHealthServer } from '../../src/lab/servers/grpc.ts';
import { startGrpcTestServer, TEST_METHODS } from './support/grpcServers.ts';
import { isDrop, isError, LAB_PROXIES, settledResources, totalHandles, watch, withCleanup } from './support/grpcWsMonitor.ts';
import { GROWING_RECONNECT, LIFECYCLE_IDLE_SECONDS, restartProof, silentDeathProof } from './support/grpcWsLifecycle.ts';
import { selfSignedCert } from './support/grpcWsTls.ts';
import { activeResources, endpoint, sleep } from './support/monitorHarness.ts';

const PROXY_IDLE_SECONDS = 2;
const FAST_RECONNECT = { initialDelaySeconds: 0.1, maxDelaySeconds: 0.2, multiplier: 2, jitter: 0 };

describe('grpc: a silent Watch through a proxy with a 2 s idle timeout (proof 1)', { concurrency: true }, () => {
  for (const proxy of LAB_PROXIES) {
    it(`${proxy.name}: drops again and again after ~2 s, and the diagnosis estimates 2 s within 10 %`, { skip: proxy.skip }, () =>
      withCleanup(async (defer) => {
        const server = await startGrpcHealthServer();
        defer(() => server.close());
        const lab = await proxy.start({ upstreamPort: server.port, mode: 'grpc', idleTimeoutSeconds: PROXY_IDLE_SECONDS });
        defer(() => lab.stop());
        // Client Health/Check probes every 1 s stay on: they travel on separate requests and must not
        // keep the Watch alive. The watchdog window is long so only the proxy ends streams.
        const w = watch(endpoint({ kind: 'grpc', url: `grpc://127.0.0.1:${lab.port}`, heartbeatSeconds: 1, idleTimeoutSeconds: 30, reconnect: FAST_RECONNECT }));
        defer(() => w.dispose());

        const diagnosis = await w.log.waitFor((e) => e.event === 'diagnosis' && e.finding === 'intermediary-idle-timeout', 30_000);
        const drops = w.log.of('drop');
        assert.ok(drops.length >= 3, `three drops before the diagnosis, got ${drops.length}`);
        for (const drop of drops) {
          assert.equal(drop.cause, 'reset', `RST_STREAM from the proxy is a reset: ${drop.detail}`);
          assert.equal(typeof drop.grpcCode, 'number', 'grpcCode is always reported');
          assert.ok(drop.silenceMs >= 1700 && drop.silenceMs <= 2600, `silence ${drop.silenceMs} ms is ~2 s`);
        }
        assert.equal(diagnosis.event, 'diagnosis');
        if (diagnosis.event !== 'diagnosis') return;
        assert.ok(diagnosis.estimateMs !== undefined && Math.abs(diagnosis.estimateMs - 2000) <= 200, `estimate ${diagnosis.estimateMs} ms within 10 % of 2 s`);
        assert.ok(diagnosis.recommendedHeartbeatMs !== undefined && diagnosis.recommendedHeartbeatMs <= diagnosis.estimateMs! / 3);
        const probes = w.log.of('heartbeat').filter((h) => h.direction === 'out' && h.kind === 'grpc-check');
        assert.ok(probes.length >= 1, 'Health/Check probes were answered while the Watch kept dying');
      }),
    );
  }
});

describe('grpc: server keepalive messages every 0.5 s through the same proxies (proof 2)', { concurrency: true }, () => {
  for (const proxy of LAB_PROXIES) {
    it(`${proxy.name}: the Watch stays open for 10 s (5 x the proxy timeout) with no drop`, { skip: proxy.skip }, () =>
      withCleanup(async (defer) => {
        const server = await startGrpcHealthServer({ keepaliveMessageMs: 500 });
        defer(() => server.close());
        const lab = await proxy.start({ upstreamPort: server.port, mode: 'grpc', idleTimeoutSeconds: PROXY_IDLE_SECONDS });
        defer(() => lab.stop());
        const w = watch(endpoint({ kind: 'grpc', url: `grpc://127.0.0.1:${lab.port}`, heartbeatSeconds: 0, idleTimeoutSeconds: 3, reconnect: FAST_RECONNECT }));
        defer(() => w.dispose());

        await w.log.waitFor((e) => e.event === 'open', 10_000);
        const from = w.log.events.length;
        await sleep(5 * PROXY_IDLE_SECONDS * 1000);
        assert.deepEqual(w.since('drop', from), [], 'no drop in 10 s');
        const heartbeats = w.since('heartbeat', from).filter((h) => h.direction === 'in' && h.kind === 'grpc-message');
        assert.ok(heartbeats.length >= 15, `~20 keepalive messages arrived through the proxy, got ${heartbeats.length}`);
        assert.equal(w.monitor.status()[0]?.state, 'open');
      }),
    );
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
        kind: 'grpc', url: `grpc://127.0.0.1:${server.port}`, grpc: { method: TEST_METHODS.big }, maxMessageBytes: 4096,
        heartbeatSeconds: 0, idleTimeoutSeconds: 30, reconnect: { initialDelaySeconds: 5, maxDelaySeconds: 5 },
      }));
      defer(() => w.dispose());
      const drop = await w.log.waitFor(isDrop, 10_000);
      assert.equal(drop.cause, 'protocol-error', drop.detail);
      assert.equal(drop.grpcCode, 8);
      assert.match(drop.detail, /maxMessageBytes/);
      assert.ok(w.log.of('heartbeat').some((h) => h.kind === 'grpc-message'), 'the small message before it was counted');
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
    withCleanup(async (defer) => {
      const port = await freePort();
      const w = watch(endpoint({ kind: 'grpc', url: `grpc://127.0.0.1:${port}`, reconnect: FAST_RECONNECT }));
      defer(() => w.dispose());
      const errors = await w.log.waitForCount((e) => isError(e), 2, 10_000);
      for (const error of errors) assert.equal(error.event === 'error' && error.cause, 'connect-failed');
      assert.match((errors[0] as ErrorEvent).message, /ECONNREFUSED/);
      assert.ok(w.log.of('backoff').length >= 2);
    }));

  it('TLS with a self-signed certificate: refused by default, accepted with caFile or rejectUnauthorized false', () =>
    withCleanup(async (defer) => {
      const cert = selfSignedCert();
      defer(() => cert.remove());
      const server = await startGrpcTestServer({ tls: { key: cert.key, cert: cert.cert } });
      defer(() => server.close());
      const url = `grpcs://127.0.0.1:${server.port}`;

      const strict = watch(endpoint({ kind: 'grpc', url, reconnect: { initialDelaySeconds: 5, maxDelaySeconds: 5 } }));
      defer(() => strict.dispose());
      const error = await strict.log.waitFor(isError, 10_000);
      assert.equal(error.cause, 'tls', error.message);

      const trusted = watch(endpoint({ kind: 'grpc', url, tls: { caFile: cert.certFile }, heartbeatSeconds: 0.5, idleTimeoutSeconds: 5 }));
      defer(() => trusted.dispose());
      const open = await trusted.log.waitFor((e) => e.event === 'open', 10_000);
      assert.match(open.event === 'open' ? open.detail : '', /over TLS/);
      await trusted.log.waitFor((e) => e.event === 'heartbeat' && e.kind === 'grpc-check', 5_000);

      const lax = watch(endpoint({ kind: 'grpc', url, tls: { rejectUnauthorized: false } }));
      defer(() => lax.dispose());
      await lax.log.waitFor((e) => e.event === 'open', 10_000);
    }));

  it('nginx in front of a dead upstream answers 502: an http-status error, retried', { skip: !nginxAvailable() && 'nginx is not installed' }, () =>
    withCleanup(async (defer) => {
      const lab = await startNginx({ upstreamPort: await freePort(), mode: 'grpc', idleTimeoutSeconds: PROXY_IDLE_SECONDS });
      defer(() => lab.stop());
      const w = watch(endpoint({ kind: 'grpc', url: `grpc://127.0.0.1:${lab.port}`, reconnect: FAST_RECONNECT }));
      defer(() => w.dispose());
      const errors = await w.log.waitForCount((e) => isError(e), 2, 10_000);
      const first = errors[0] as ErrorEvent;
      assert.equal(first.cause, 'http-status', first.message);
      assert.equal(first.httpStatus, 502);
    }));
});

describe('grpc: no leaks (proof 7)', () => {
  it('200 connect/drop cycles (100 ended by the server, 100 by the client) leave handles and sockets where they were', () =>
    withCleanup(async (defer) => {
      const server = await startGrpcTestServer({ endFirst: 100 });
      defer(() => server.close());
      await sleep(50);
      const before = activeResources();
      const w = watch(endpoint({
        kind: 'grpc', url: `grpc://127.0.0.1:${server.port}`, grpc: { method: TEST_METHODS.flaky },
        heartbeatSeconds: 0, idleTimeoutSeconds: 0, reconnect: { initialDelaySeconds: 0.05, maxDelaySeconds: 0.05, jitter: 0 },
      }));
      let disposed = false;
      defer(() => disposed || w.dispose());

      const serverEnded = await w.log.waitForCount((e) => isDrop(e) && e.cause === 'eof', 100, 60_000);
      assert.equal(serverEnded.length, 100);
      let opens = w.log.of('open').length;
      for (let i = 0; i < 100; i++) {
        await w.log.waitForCount((e) => e.event === 'open', opens + 1, 10_000);
        opens++;
        w.monitor.reconnect();
      }
      assert.equal(w.log.of('drop').filter((d) => d.cause === 'manual').length, 100);
      w.dispose();
      disposed = true;

      const after = await settledResources(before, () => server.stats.open === 0);
      assert.equal(server.stats.open, 0, 'the server sees no open stream');
      assert.ok((after.TCPSocketWrap ?? 0) <= (before.TCPSocketWrap ?? 0), `sockets back to ${JSON.stringify(before)}: ${JSON.stringify(after)}`);
      assert.ok(totalHandles(after) <= totalHandles(before) + 1, `handles back to a small constant: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
    }));
});
