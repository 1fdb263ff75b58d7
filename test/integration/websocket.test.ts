// The websocket transport driven by the real core Monitor against real `ws` servers, through real
// nginx and HAProxy: idle-timeout drops and their diagnosis, server keepalive, silent death, restarts,
// bad input, no leaks.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorEvent } from '../../src/core/events.ts';
import { freePort } from '../../src/lab/net.ts';
import { nginxAvailable, startNginx } from '../../src/lab/proxies/index.ts';
import { startWsServer } from '../../src/lab/servers/websocket.ts';
import { connectWebSocket } from '../../src/transports/websocket.ts';
import { isDrop, isError, LAB_PROXIES, watch, withCleanup } from './support/grpcWsMonitor.ts';
import {
  closeContractProof, FAST_RECONNECT, GROWING_RECONNECT, heartbeats, leakProof, LIFECYCLE_IDLE_SECONDS, PROXY_IDLE_SECONDS, proxyIdleTimeoutProof,
  refusedPortProof, restartProof, silentDeathProof, SLOW_RECONNECT, staysUpProof, tlsProof,
} from './support/grpcWsProofs.ts';
import { endpoint, sleep } from './support/monitorHarness.ts';
import { startRefusingServer, startWsTestServer } from './support/wsServers.ts';

const wsAt = (port: number) => `ws://127.0.0.1:${port}/ws`;

describe('websocket: a silent server through a proxy with a 2 s idle timeout, client pings off (proof 1)', { concurrency: true }, () => {
  for (const proxy of LAB_PROXIES) {
    it(`${proxy.name}: drops again and again after ~2 s, and the diagnosis estimates 2 s within 10 %`, { skip: proxy.skip }, async () => {
      const { drops } = await proxyIdleTimeoutProof(() => startWsServer(), proxy.start, 'websocket', (port) =>
        endpoint({ kind: 'websocket', url: wsAt(port), heartbeatSeconds: 0, idleTimeoutSeconds: 30, reconnect: FAST_RECONNECT }),
      );
      for (const drop of drops) {
        assert.equal(drop.cause, 'reset', `the proxy closes the TCP connection without a close frame: ${drop.detail}`);
        assert.equal(drop.wsCloseCode, 1006);
      }
    });
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
      it(`${proxy.name}: ${c.what}: no drop in 5 x the proxy timeout`, { skip: proxy.skip }, async () => {
        const events = await staysUpProof(() => startWsServer(c.server), proxy.start, 'websocket', (port) =>
          endpoint({ kind: 'websocket', url: wsAt(port), heartbeatSeconds: c.heartbeatSeconds, idleTimeoutSeconds: 3, reconnect: FAST_RECONNECT }),
        );
        const inbound = heartbeats(events, 'in', c.expect).length;
        assert.ok(inbound >= 15, `~20 ${c.expect} heartbeats through the proxy, got ${inbound}`);
        if (c.heartbeatSeconds > 0) {
          const probes = heartbeats(events, 'out', 'ws-ping');
          assert.ok(probes.length >= 15 && probes.every((p) => typeof p.rttMs === 'number'), 'client pings answered with a round-trip time');
        }
      });
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
      const w = watch(endpoint({ kind: 'websocket', url: server.url, maxMessageBytes: 1024, heartbeatSeconds: 0, idleTimeoutSeconds: 30, reconnect: SLOW_RECONNECT }));
      defer(() => w.dispose());
      const drop = await w.log.waitFor(isDrop, 10_000);
      assert.equal(drop.cause, 'protocol-error', drop.detail);
      assert.equal(drop.wsCloseCode, 1009);
    }));

  it('a text message with invalid UTF-8 is counted as a warning and the stream goes on', () =>
    withCleanup(async (defer) => {
      const server = await startWsTestServer({ invalidUtf8: true });
      defer(() => server.close());
      const w = watch(endpoint({ kind: 'websocket', url: server.url, heartbeatSeconds: 0.5, idleTimeoutSeconds: 3, reconnect: SLOW_RECONNECT }));
      defer(() => w.dispose());
      await w.log.waitFor((e) => e.event === 'open', 10_000);
      // A probe answered after the bad frame proves the socket is still up.
      await w.log.waitForCount((e) => e.event === 'heartbeat' && e.direction === 'out', 2, 5_000);
      assert.deepEqual(w.log.of('drop'), [], 'no drop');
      assert.equal(w.monitor.history().endpoints.test?.warnings, 1, 'one warning counted');
    }));

  it('nginx answering the upgrade with its HTML 502 page: an http-status error with an escaped excerpt, retried', { skip: !nginxAvailable() && 'nginx is not installed' }, () =>
    withCleanup(async (defer) => {
      const lab = await startNginx({ upstreamPort: await freePort(), mode: 'websocket', idleTimeoutSeconds: PROXY_IDLE_SECONDS });
      defer(() => lab.stop());
      const w = watch(endpoint({ kind: 'websocket', url: wsAt(lab.port), reconnect: FAST_RECONNECT }));
      defer(() => w.dispose());
      const errors = (await w.log.waitForCount((e) => isError(e), 2, 10_000)) as ErrorEvent[];
      const first = errors[0]!;
      assert.equal(first.cause, 'http-status');
      assert.equal(first.httpStatus, 502);
      assert.match(first.message, /HTML error page/);
      assert.match(first.message, /502 Bad Gateway/);
      assert.doesNotMatch(first.message, /[<>]/, 'markup stripped from the excerpt');
      assert.equal(w.monitor.history().endpoints.test?.errors[0]?.htmlErrorPage, true);
    }));

  it('headers go on the upgrade: a ws server refusing a bad token with 401 fails without retrying, the right one opens', () =>
    withCleanup(async (defer) => {
      const server = await startWsTestServer({ requireAuthorization: 'Bearer test-token-1' });
      defer(() => server.close());
      const config = (token: string) => endpoint({ kind: 'websocket', url: server.url, headers: { Authorization: `Bearer ${token}` }, reconnect: FAST_RECONNECT });
      const denied = watch(config('wrong'));
      defer(() => denied.dispose());
      const error = await denied.log.waitFor(isError, 10_000);
      assert.equal(error.cause, 'http-status');
      assert.equal(error.httpStatus, 401);
      assert.match(error.message, /HTTP 401 Unauthorized/);
      await sleep(500);
      assert.equal(denied.monitor.status()[0]?.state, 'failed');
      assert.equal(server.stats.refused, 1, 'not retried');

      const allowed = watch(config('test-token-1'));
      defer(() => allowed.dispose());
      await allowed.log.waitFor((e) => e.event === 'open', 10_000);
    }));

  it('subprotocols from websocket.protocols: the server pick is on the open detail; none acceptable fails without retrying', () =>
    withCleanup(async (defer) => {
      const server = await startWsTestServer({ protocols: ['graphql-transport-ws'] });
      defer(() => server.close());
      const config = (protocols: string[]) => endpoint({ kind: 'websocket', url: server.url, websocket: { protocols }, reconnect: FAST_RECONNECT });
      const agreed = watch(config(['graphql-ws', 'graphql-transport-ws']));
      defer(() => agreed.dispose());
      const open = await agreed.log.waitFor((e) => e.event === 'open', 10_000);
      assert.match(open.event === 'open' ? open.detail : '', /subprotocol graphql-transport-ws/);

      const refused = watch(config(['mqtt']));
      defer(() => refused.dispose());
      const error = await refused.log.waitFor(isError, 10_000);
      assert.equal(error.cause, 'config');
      assert.match(error.message, /accepted none of the offered subprotocols \(mqtt\): list one it supports in websocket\.protocols/);
      await sleep(500);
      assert.equal(refused.monitor.status()[0]?.state, 'failed');
      assert.equal(server.stats.opened, 2, 'the refused endpoint upgraded once and was not retried');
    }));

  it('503 with Retry-After on the upgrade: retried, and the next attempt waits as the server asked', () =>
    withCleanup(async (defer) => {
      const server = await startRefusingServer(503, 'maintenance', 'text/plain', { 'retry-after': '2' });
      defer(() => server.close());
      const w = watch(endpoint({ kind: 'websocket', url: server.url, reconnect: FAST_RECONNECT }));
      defer(() => w.dispose());
      const error = await w.log.waitFor(isError, 10_000);
      assert.equal(error.cause, 'http-status');
      assert.equal(error.httpStatus, 503);
      const backoff = await w.log.waitFor((e) => e.event === 'backoff', 5_000);
      assert.equal(backoff.event === 'backoff' && backoff.delayMs, 2000, 'Retry-After: 2 beats the 0.1 s backoff');
      assert.notEqual(w.monitor.status()[0]?.state, 'failed');
    }));

  it('a refused port is a connect-failed error, retried with backoff', () =>
    refusedPortProof(wsAt, (url) => endpoint({ kind: 'websocket', url, reconnect: FAST_RECONNECT })));

  it('wss: self-signed refused by default and accepted with rejectUnauthorized false; private CA via caFile; expired refused', () =>
    tlsProof((tls) => startWsTestServer({ tls }), (url, extra) => endpoint({ kind: 'websocket', url, ...extra }), 'ws-ping'));
});

describe('websocket: no leaks (proof 7)', () => {
  it('200 connect/drop cycles (100 closed by the server, 100 by the client) leave handles and sockets where they were', async () => {
    const server = await startWsTestServer({ closeFirst: 100 });
    const config = endpoint({
      kind: 'websocket', url: server.url, heartbeatSeconds: 0, idleTimeoutSeconds: 0,
      reconnect: { initialDelaySeconds: 0.05, maxDelaySeconds: 0.05, jitter: 0 },
    });
    const serverClosed = await leakProof(server, config, 'ws-close');
    assert.ok(serverClosed.every((d) => d.wsCloseCode === 1001), 'server closes are ws-close 1001');
  });
});

describe('websocket: transport contract', () => {
  it('ended() comes exactly once, with the cause given to close(), and a second close() is a no-op', () =>
    withCleanup(async (defer) => {
      const server = await startWsTestServer();
      defer(() => server.close());
      await closeContractProof(connectWebSocket, endpoint({ kind: 'websocket', url: server.url }), server, /not open/);
    }));
});
