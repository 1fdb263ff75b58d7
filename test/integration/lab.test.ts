// The lab's intermediaries really behave like production ones: each proxy (nginx, HAProxy, the built-in
// stand-in) cuts a silent SSE / gRPC / WebSocket stream after ~N s and passes a heartbeated one.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import WebSocket from 'ws';
import { haproxyAvailable, nginxAvailable, startHaproxy, startIdleProxy, startNginx } from '../../src/lab/proxies/index.ts';
import { startGrpcHealthServer } from '../../src/lab/servers/grpc.ts';
import { startSseServer } from '../../src/lab/servers/sse.ts';
import { startWsServer } from '../../src/lab/servers/websocket.ts';
import { spawnLabServer } from '../../src/lab/process.ts';
import type { LabProxy, LabProxyOptions, LabServer } from '../../src/lab/types.ts';

// Proxy tests skip (saying why) on a machine without nginx or HAProxy; in CI that would hide the
// real-intermediary proofs behind a green run, so there a missing proxy is a failure.
test('CI has the real intermediaries installed', { skip: !process.env.CI && 'enforced only with CI set' }, () => {
  assert.ok(nginxAvailable(), 'nginx is not installed: run bash scripts/setup.sh');
  assert.ok(haproxyAvailable(), 'haproxy is not installed: run bash scripts/setup.sh');
});

const IDLE_S = 1;
const HEARTBEAT_MS = 250;
/** How long a heartbeated stream must survive: several proxy timeouts. */
const HOLD_MS = 3500;

type Outcome = { ended: true; afterMs: number; how: string } | { ended: false };

/** Resolves when `start` reports an end, or with `{ ended: false }` after `holdMs`. */
function observe(holdMs: number, start: (end: (how: string) => void) => () => void): Promise<Outcome> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let settled = false;
    let cleanup: () => void = () => {};
    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cleanup();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ ended: false }), holdMs);
    cleanup = start((how) => finish({ ended: true, afterMs: performance.now() - t0, how }));
  });
}

function observeSse(url: string, holdMs: number): Promise<Outcome> {
  return observe(holdMs, (end) => {
    const abort = new AbortController();
    void (async () => {
      try {
        const response = await fetch(url, { signal: abort.signal });
        if (response.status !== 200) return end(`status ${response.status}`);
        const reader = response.body!.getReader();
        for (;;) {
          const { done } = await reader.read();
          if (done) return end('eof');
        }
      } catch (error) {
        if (!abort.signal.aborted) end(`error ${(error as Error).message}`);
      }
    })();
    return () => abort.abort();
  });
}

function observeGrpc(port: number, holdMs: number): Promise<Outcome> {
  return observe(holdMs, (end) => {
    const Client = grpc.makeGenericClientConstructor(healthService as grpc.ServiceDefinition, 'Health');
    const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const call = (client as unknown as { watch(req: object): grpc.ClientReadableStream<unknown> }).watch({ service: '' });
    let cancelled = false;
    call.on('data', () => {});
    call.on('error', (error: grpc.ServiceError) => cancelled || end(`grpc status ${error.code}`));
    call.on('end', () => cancelled || end('end'));
    return () => {
      cancelled = true;
      call.cancel();
      client.close();
    };
  });
}

function observeWs(url: string, holdMs: number): Promise<Outcome> {
  return observe(holdMs, (end) => {
    const socket = new WebSocket(url);
    let done = false;
    socket.on('close', (code) => done || end(`close ${code}`));
    socket.on('error', () => {});
    return () => {
      done = true;
      socket.terminate();
    };
  });
}

const servers: LabServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function labServers() {
  const started = {
    sseSilent: await startSseServer(),
    sseBeat: await startSseServer({ heartbeatMs: HEARTBEAT_MS }),
    grpcSilent: await startGrpcHealthServer(),
    grpcBeat: await startGrpcHealthServer({ keepaliveMessageMs: HEARTBEAT_MS }),
    wsSilent: await startWsServer(),
    wsBeat: await startWsServer({ pingMs: HEARTBEAT_MS }),
  };
  servers.push(...Object.values(started));
  return started;
}

const proxies: Array<[string, boolean, (o: LabProxyOptions) => Promise<LabProxy>]> = [
  ['nginx', nginxAvailable(), startNginx],
  ['haproxy', haproxyAvailable(), startHaproxy],
  ['builtin stand-in', true, startIdleProxy],
];

for (const [name, available, start] of proxies) {
  describe(`${name} proxy`, { skip: available ? false : `${name} is not installed` }, () => {
    test(`cuts silent SSE, gRPC and WebSocket streams after ~${IDLE_S} s and passes heartbeated ones`, async () => {
      const s = await labServers();
      const started: LabProxy[] = [];
      const via = async (upstreamPort: number, mode: LabProxyOptions['mode']) => {
        const proxy = await start({ upstreamPort, mode, idleTimeoutSeconds: IDLE_S });
        started.push(proxy);
        assert.equal(proxy.host, '127.0.0.1');
        return proxy.port;
      };
      try {
        const path = '/events';
        const ports = {
          sseSilent: await via(s.sseSilent.port, 'http'),
          sseBeat: await via(s.sseBeat.port, 'http'),
          grpcSilent: await via(s.grpcSilent.port, 'grpc'),
          grpcBeat: await via(s.grpcBeat.port, 'grpc'),
          wsSilent: await via(s.wsSilent.port, 'websocket'),
          wsBeat: await via(s.wsBeat.port, 'websocket'),
        };
        const [sseSilent, sseBeat, grpcSilent, grpcBeat, wsSilent, wsBeat] = await Promise.all([
          observeSse(`http://127.0.0.1:${ports.sseSilent}${path}`, HOLD_MS),
          observeSse(`http://127.0.0.1:${ports.sseBeat}${path}`, HOLD_MS),
          observeGrpc(ports.grpcSilent, HOLD_MS),
          observeGrpc(ports.grpcBeat, HOLD_MS),
          observeWs(`ws://127.0.0.1:${ports.wsSilent}/ws`, HOLD_MS),
          observeWs(`ws://127.0.0.1:${ports.wsBeat}/ws`, HOLD_MS),
        ]);
        for (const [label, outcome] of Object.entries({ sseSilent, grpcSilent, wsSilent })) {
          assert.ok(outcome.ended, `${label} should be cut by ${name}`);
          // Generous bounds: the proxy's own timer granularity and a loaded 2-core machine.
          assert.ok(outcome.afterMs >= IDLE_S * 1000 * 0.8 && outcome.afterMs <= IDLE_S * 1000 + 1500, `${label} cut after ${Math.round(outcome.afterMs)} ms (${outcome.how})`);
        }
        for (const [label, outcome] of Object.entries({ sseBeat, grpcBeat, wsBeat })) {
          assert.deepEqual(outcome, { ended: false }, `${label} should survive ${HOLD_MS} ms through ${name}`);
        }
      } finally {
        await Promise.all(started.map((p) => p.stop()));
      }
    });
  });
}

test('a child-process lab server can be frozen (silence, no FIN), thawed, killed and restarted on the same port', async () => {
  const lab = await spawnLabServer('sse', { heartbeatMs: 100 });
  try {
    const abort = new AbortController();
    const response = await fetch(lab.url, { signal: abort.signal });
    const reader = response.body!.getReader();
    await reader.read();
    lab.freeze();
    const frozen = await Promise.race([reader.read().then(() => 'data'), new Promise((r) => setTimeout(() => r('silence'), 800))]);
    assert.equal(frozen, 'silence');
    lab.thaw();
    const thawed = await Promise.race([reader.read().then(() => 'data'), new Promise((r) => setTimeout(() => r('silence'), 3000))]);
    assert.equal(thawed, 'data');
    abort.abort();
    const firstPid = lab.pid;
    await lab.restart();
    assert.notEqual(lab.pid, firstPid);
    const again = await fetch(lab.url);
    assert.equal(again.status, 200);
    await again.body?.cancel();
  } finally {
    await lab.stop();
  }
  assert.throws(() => process.kill(lab.pid, 0), /ESRCH/);
});

test('startLab starts every endpoint behind the intermediary, with valid settings, and stop() leaves nothing behind', async () => {
  const { startLab } = await import('../../src/lab/main.ts');
  const { parseEndpoints } = await import('../../src/core/config.ts');
  await assert.rejects(startLab({ proxyIdleSeconds: 2, heartbeatMs: 2000 }), /must be shorter/);
  const lab = await startLab({ freezeEverySeconds: 0, proxyIdleSeconds: 2, heartbeatMs: 500 });
  let pids: number[] = [];
  try {
    const parsed = parseEndpoints(lab.endpoints);
    assert.deepEqual(parsed.issues, []);
    assert.deepEqual(
      lab.endpoints.map((e) => e.name),
      ['sse-heartbeat', 'sse-silent', 'websocket-ping', 'grpc-keepalive', 'grpc-silent', 'mcp-v1-streamable', 'mcp-v1-sse', 'mcp-v2', 'freezer'],
    );
    assert.equal(lab.proxy.kind, nginxAvailable() ? 'nginx' : haproxyAvailable() ? 'haproxy' : 'builtin');
    assert.equal(lab.notes.length, lab.endpoints.length);
    // The silent SSE endpoint really is cut by the intermediary at ~2 s; the heartbeating one is not.
    const silent = lab.endpoints.find((e) => e.name === 'sse-silent')!;
    const beating = lab.endpoints.find((e) => e.name === 'sse-heartbeat')!;
    const [cut, kept] = await Promise.all([observeSse(silent.url, 4500), observeSse(beating.url, 4500)]);
    assert.ok(cut.ended && cut.afterMs > 1500 && cut.afterMs < 4000, `sse-silent: ${JSON.stringify(cut)}`);
    assert.deepEqual(kept, { ended: false });
    assert.ok(lab.freezer && lab.freezer.pid > 0);
    pids = [lab.freezer.pid];
  } finally {
    await lab.stop();
  }
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/);
});
