// The websocket transport driven by the real core Monitor against real `ws` servers, through real
// nginx and HAProxy (issue 3 proofs 1, 2, 4, 5, 6, 7 for WebSocket).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorEvent } from '../../src/core/events.ts';
import { freePort } from '../../src/lab/net.ts';
import { nginxAvailable, startNginx } from '../../src/lab/proxies/index.ts';
import { startWsServer } from '../../src/lab/servers/websocket.ts';
import { GROWING_RECONNECT, LIFECYCLE_IDLE_SECONDS, restartProof, silentDeathProof } from './support/grpcWsLifecycle.ts';
import { isDrop, isError, LAB_PROXIES, settledResources, totalHandles, watch, withCleanup } from './support/grpcWsMonitor.ts';
import { selfSignedCert } from './support/grpcWsTls.ts';
import { activeResources, endpoint, sleep } from './support/monitorHarness.ts';
import { startRefusingServer, startWsTestServer } from './support/wsServers.ts';

const PROXY_IDLE_SECONDS = 2;
const FAST_RECONNECT = { initialDelaySeconds: 0.1, maxDelaySeconds: 0.2, multiplier: 2, jitter: 0 };

describe('websocket: a silent server through a proxy with a 2 s idle timeout, client pings off (proof 1)', { concurrency: true }, () => {
  for (const proxy of LAB_PROXIES) {
    it(`${proxy.name}: drops again and again after ~2 s, and the diagnosis estimates 2 s within 10 %`, { skip: proxy.skip }, () =>
      withCleanup(async (defer) => {
        const server = await startWsServer();
        defer(() => server.close());
        const lab = await proxy.start({ upstreamPort: server.port, mode: 'websocket', idleTimeoutSeconds: PROXY_IDLE_SECONDS });
        defer(() => lab.stop());
        const w = watch(endpoint({ kind: 'websocket', url: `ws://127.0.0.1:${lab.port}/ws`, heartbeatSeconds: 0, idleTimeoutSeconds: 30, reconnect: FAST_RECONNECT }));
        defer(() => w.dispose());

        const diagnosis = await w.log.waitFor((e) => e.event === 'diagnosis' && e.finding === 'intermediary-idle-timeout', 30_000);
        const drops = w.log.of('drop');
        assert.ok(drops.length >= 3, `three drops before the diagnosis, got ${drops.length}`);
        for (const drop of drops) {
          assert.equal(drop.cause, 'reset', `the proxy closes the TCP connection without a close frame: ${drop.detail}`);
          assert.equal(drop.wsCloseCode, 1006);
          assert.ok(drop.silenceMs >= 1700 && drop.silenceMs <= 2600, `silence ${drop.silenceMs} ms is ~2 s`);
        }
        if (diagnosis.event !== 'diagnosis') return assert.fail('not a diagnosis');
        assert.ok(diagnosis.estimateMs !== undefined && Math.abs(diagnosis.estimateMs - 2000) <= 200, `estimate ${diagnosis.estimateMs} ms within 10 % of 2 s`);
        assert.ok(diagnosis.recommendedHeartbeatMs !== undefined && diagnosis.recommendedHeartbeatMs <= diagnosis.estimateMs / 3);
      }),
    );
  }
});

describe('websocket: heartbeats through the same proxies keep the socket up for 10 s (proofs 1 and 2)', { concurrency: true }, () => {
  const cases = [
    // ENVIRONMENT.md: an upgraded WebSocket stays open while the CLIENT sends frames.
    { what: 'client pings every 0.5 s to a silent server', server: {}, heartbeatSeconds: 0.5, expect: 'ws-pong' },
    { what: 'server pings every 0.5 s with client pings off', server: { pingMs: 500 }, heartbeatSeconds: 0, expect: 'ws-ping' },
  ] as const;
  for (const proxy of LAB_PROXIES) {
    for (const c of cases) {
      it(`${proxy.name}: ${c.what}: no drop in 5 x the proxy timeout`, { skip: proxy.skip }, () =>
        withCleanup(async (defer) => {
          const server = await startWsServer(c.server);
          defer(() => server.close());
          const lab = await proxy.start({ upstreamPort: server.port, mode: 'websocket', idleTimeoutSeconds: PROXY_IDLE_SECONDS });
          defer(() => lab.stop());
          const w = watch(endpoint({ kind: 'websocket', url: `ws://127.0.0.1:${lab.port}/ws`, heartbeatSeconds: c.heartbeatSeconds, idleTimeoutSeconds: 3, reconnect: FAST_RECONNECT }));
          defer(() => w.dispose());

          await w.log.waitFor((e) => e.event === 'open', 10_000);
          const from = w.log.events.length;
          await sleep(5 * PROXY_IDLE_SECONDS * 1000);
          assert.deepEqual(w.since('drop', from), [], 'no drop in 10 s');
          const heartbeats = w.since('heartbeat', from).filter((h) => h.direction === 'in' && h.kind === c.expect);
          assert.ok(heartbeats.length >= 15, `~20 ${c.expect} heartbeats through the proxy, got ${heartbeats.length}`);
          if (c.heartbeatSeconds > 0) {
            const probes = w.since('heartbeat', from).filter((h) => h.direction === 'out' && h.kind === 'ws-ping');
            assert.ok(probes.length >= 15 && probes.every((p) => typeof p.rttMs === 'number'), 'client pings answered with a round-trip time');
          }
          assert.equal(w.monitor.status()[0]?.state, 'open');
        }),
      );
    }
  }
});

describe('websocket: silent death and restarts of a real server process', () => {
  // Server pings every 250 ms keep the socket busy, so only the server's death silences it.
  const configFor = (url: string) =>
    endpoint({ kind: 'websocket', url, heartbeatSeconds: 0.5, idleTimeoutSeconds: LIFECYCLE_IDLE_SECONDS, reconnect: GROWING_RECONNECT });

  it('SIGSTOP: watchdog drop within the idle window + 20 %, growing backoff, open again after SIGCONT (proof 4)', async () => {
    await silentDeathProof('websocket', { pingMs: 250 }, configFor);
  });

  it('kill + restart on the same port: classified drop, growing backoff, reconnect, backoff reset after a healthy session (proof 5)', async () => {
    const drop = await restartProof('websocket', { pingMs: 250 }, configFor);
    assert.equal(drop.cause, 'reset', `a killed process sends no close frame: ${drop.detail}`);
    assert.equal(drop.wsCloseCode, 1006);
  });
});

describe('websocket: bad input from real misbehaving servers (proof 6)', () => {
  it('a message over maxMessageBytes closes with 1009 and drops as protocol-error', () =>
    withCleanup(async (defer) => {
      const server = await startWsServer({ messageEveryMs: 200, messagePayloadBytes: 8192 });
      defer(() => server.close());
      const w = watch(endpoint({ kind: 'websocket', url: server.url, maxMessageBytes: 1024, heartbeatSeconds: 0, idleTimeoutSeconds: 30, reconnect: { initialDelaySeconds: 5, maxDelaySeconds: 5 } }));
      defer(() => w.dispose());
      const drop = await w.log.waitFor(isDrop, 10_000);
      assert.equal(drop.cause, 'protocol-error', drop.detail);
      assert.equal(drop.wsCloseCode, 1009);
    }));

  it('nginx answering the upgrade with its HTML 502 page: an http-status error with an escaped excerpt, retried', { skip: !nginxAvailable() && 'nginx is not installed' }, () =>
    withCleanup(async (defer) => {
      const lab = await startNginx({ upstreamPort: await freePort(), mode: 'websocket', idleTimeoutSeconds: PROXY_IDLE_SECONDS });
      defer(() => lab.stop());
      const w = watch(endpoint({ kind: 'websocket', url: `ws://127.0.0.1:${lab.port}/ws`, reconnect: FAST_RECONNECT }));
      defer(() => w.dispose());
      const errors = await w.log.waitForCount((e) => isError(e), 2, 10_000);
      const first = errors[0] as ErrorEvent;
      assert.equal(first.cause, 'http-status');
      assert.equal(first.httpStatus, 502);
      assert.match(first.message, /HTML error page/);
      assert.match(first.message, /502 Bad Gateway/);
      assert.doesNotMatch(first.message, /[<>]/, 'markup stripped from the excerpt');
      assert.equal(w.monitor.history().endpoints.test?.errors[0]?.htmlErrorPage, true);
    }));

  it('401 on the upgrade: an http-status error and the session fails without retrying', () =>
    withCleanup(async (defer) => {
      const server = await startRefusingServer(401, 'missing or bad token\n');
      defer(() => server.close());
      const w = watch(endpoint({ kind: 'websocket', url: server.url, reconnect: FAST_RECONNECT }));
      defer(() => w.dispose());
      const error = await w.log.waitFor(isError, 10_000);
      assert.equal(error.cause, 'http-status');
      assert.equal(error.httpStatus, 401);
      assert.match(error.message, /missing or bad token/);
      await sleep(500);
      assert.equal(w.monitor.status()[0]?.state, 'failed');
      assert.equal(server.stats.opened, 1, 'not retried');
    }));

  it('a refused port is a connect-failed error, retried with backoff', () =>
    withCleanup(async (defer) => {
      const port = await freePort();
      const w = watch(endpoint({ kind: 'websocket', url: `ws://127.0.0.1:${port}/ws`, reconnect: FAST_RECONNECT }));
      defer(() => w.dispose());
      const errors = await w.log.waitForCount((e) => isError(e), 2, 10_000);
      for (const error of errors) assert.equal(error.event === 'error' && error.cause, 'connect-failed');
      assert.match((errors[0] as ErrorEvent).message, /ECONNREFUSED/);
    }));

  it('wss with a self-signed certificate: refused by default, accepted with caFile or rejectUnauthorized false', () =>
    withCleanup(async (defer) => {
      const cert = selfSignedCert();
      defer(() => cert.remove());
      const server = await startWsTestServer({ tls: { key: cert.key, cert: cert.cert } });
      defer(() => server.close());

      const strict = watch(endpoint({ kind: 'websocket', url: server.url, reconnect: { initialDelaySeconds: 5, maxDelaySeconds: 5 } }));
      defer(() => strict.dispose());
      const error = await strict.log.waitFor(isError, 10_000);
      assert.equal(error.cause, 'tls', error.message);

      const trusted = watch(endpoint({ kind: 'websocket', url: server.url, tls: { caFile: cert.certFile }, heartbeatSeconds: 0.5, idleTimeoutSeconds: 5 }));
      defer(() => trusted.dispose());
      const open = await trusted.log.waitFor((e) => e.event === 'open', 10_000);
      assert.match(open.event === 'open' ? open.detail : '', /over TLS/);
      await trusted.log.waitFor((e) => e.event === 'heartbeat' && e.kind === 'ws-ping' && e.direction === 'out', 5_000);

      const lax = watch(endpoint({ kind: 'websocket', url: server.url, tls: { rejectUnauthorized: false } }));
      defer(() => lax.dispose());
      await lax.log.waitFor((e) => e.event === 'open', 10_000);
    }));
});

describe('websocket: no leaks (proof 7)', () => {
  it('200 connect/drop cycles (100 closed by the server, 100 by the client) leave handles and sockets where they were', () =>
    withCleanup(async (defer) => {
      const server = await startWsTestServer({ closeFirst: 100 });
      defer(() => server.close());
      await sleep(50);
      const before = activeResources();
      const w = watch(endpoint({
        kind: 'websocket', url: server.url, heartbeatSeconds: 0, idleTimeoutSeconds: 0,
        reconnect: { initialDelaySeconds: 0.05, maxDelaySeconds: 0.05, jitter: 0 },
      }));
      let disposed = false;
      defer(() => disposed || w.dispose());

      const serverClosed = await w.log.waitForCount((e) => isDrop(e) && e.cause === 'ws-close', 100, 60_000);
      assert.ok(serverClosed.every((d) => d.event === 'drop' && d.wsCloseCode === 1001));
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
      assert.equal(server.stats.open, 0, 'the server sees no open socket');
      assert.ok((after.TCPSocketWrap ?? 0) <= (before.TCPSocketWrap ?? 0), `sockets back to ${JSON.stringify(before)}: ${JSON.stringify(after)}`);
      assert.ok(totalHandles(after) <= totalHandles(before) + 1, `handles back to a small constant: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
    }));
});
