// The stream proofs (idle cuts, heartbeats, silent death, restarts, resources) for the HTTP stream kinds (sse, mcp in each era, mcp-sse), written once and
// registered per kind by sse.test.ts and mcp.test.ts: real lab servers, real nginx and HAProxy, the real Monitor.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EndpointConfig, EndpointKind } from '../../../src/core/config.ts';
import type { BackoffEvent, DiagnosisEvent, DropEvent, ErrorEvent, HeartbeatEvent, StreamEvent } from '../../../src/core/events.ts';
import { spawnLabServer } from '../../../src/lab/process.ts';
import { haproxyAvailable, nginxAvailable, startHaproxy, startNginx } from '../../../src/lab/proxies/index.ts';
import type { AnyLabServerOptions } from '../../../src/lab/servers/index.ts';
import { startLabServer } from '../../../src/lab/servers/index.ts';
import type { LabProxy, LabProxyOptions, LabServerKind } from '../../../src/lab/types.ts';
import { createTransport } from '../../../src/transports/index.ts';
import { activeResources, assertProxyCutsNear, endpoint, recordAttempt, runMonitor, sleep } from './monitorHarness.ts';

/** One HTTP stream kind against one real server implementation. */
export interface HttpKindSpec {
  readonly label: string;
  readonly kind: Extract<EndpointKind, 'sse' | 'mcp' | 'mcp-sse'>;
  readonly labKind: LabServerKind;
  /** Server options for a server that never puts heartbeats on the stream. */
  readonly silent: AnyLabServerOptions;
  /** Server options for SSE comment heartbeats every `ms`. */
  heartbeat(ms: number): AnyLabServerOptions;
  /** What the `open` detail must say (era, stream shape). */
  readonly openDetail: RegExp;
  /** Client liveness probes exist for this kind (MCP ping / server/discover). */
  readonly probes: boolean;
  /** Probe answers travel on the stream itself (2024-11-05 HTTP+SSE), so they do keep it alive. */
  readonly probeAnswersOnStream: boolean;
}

export const PROXY_IDLE_SECONDS = 2;
const PROXY_IDLE_MS = PROXY_IDLE_SECONDS * 1000;

const PROXIES = [
  { name: 'nginx', start: startNginx, available: nginxAvailable },
  { name: 'HAProxy', start: startHaproxy, available: haproxyAvailable },
] as const;

const isEvent =
  <N extends StreamEvent['event']>(name: N) =>
  (e: StreamEvent): e is Extract<StreamEvent, { event: N }> =>
    e.event === name;

function config(spec: HttpKindSpec, url: string, extra: Record<string, unknown> = {}): EndpointConfig {
  return endpoint({
    name: `${spec.kind}-proof`,
    kind: spec.kind,
    url,
    heartbeatSeconds: 0,
    idleTimeoutSeconds: 0,
    reconnect: { initialDelaySeconds: 0.1, maxDelaySeconds: 1, multiplier: 2, jitter: 0 },
    ...extra,
  });
}

/** The lab server's URL with its port swapped for the proxy's. */
function viaProxy(serverUrl: string, proxy: LabProxy): string {
  const url = new URL(serverUrl);
  url.port = String(proxy.port);
  return url.href;
}

async function withProxiedServer(
  spec: HttpKindSpec,
  proxyStart: (o: LabProxyOptions) => Promise<LabProxy>,
  serverOptions: AnyLabServerOptions,
  body: (url: string) => Promise<void>,
): Promise<void> {
  const server = await startLabServer(spec.labKind, serverOptions);
  let proxy: LabProxy | undefined;
  try {
    proxy = await proxyStart({ upstreamPort: server.port, mode: 'http', idleTimeoutSeconds: PROXY_IDLE_SECONDS });
    await body(viaProxy(server.url, proxy));
  } finally {
    await proxy?.stop();
    await server.close();
  }
}

export function registerHttpProofs(spec: HttpKindSpec): void {
  describe(`${spec.label}: real proxies and real server processes`, { concurrency: true }, () => {
    for (const proxy of PROXIES) {
      test(`1. ${proxy.name} (${PROXY_IDLE_SECONDS} s idle timeout), silent server: repeated drops at ~${PROXY_IDLE_SECONDS} s and an intermediary-idle-timeout diagnosis within 10 %`, { skip: !proxy.available() && `${proxy.name} is not installed` }, async () => {
        await withProxiedServer(spec, proxy.start, spec.silent, async (url) => {
          const run = runMonitor([config(spec, url)]);
          try {
            const diagnosis = (await run.log.waitFor(
              (e): e is DiagnosisEvent => e.event === 'diagnosis' && e.finding === 'intermediary-idle-timeout',
              25_000,
            )) as DiagnosisEvent;
            const open = run.log.of('open')[0]!;
            assert.match(open.detail, spec.openDetail);
            const drops = run.log.of('drop');
            assert.ok(drops.length >= 3, `3+ drops before the diagnosis, saw ${drops.length}`);
            for (const drop of drops) {
              assert.ok(drop.cause === 'reset' || drop.cause === 'eof', `a proxy cut is reset/eof, got ${drop.cause}: ${drop.detail}`);
            }
            assertProxyCutsNear(drops, PROXY_IDLE_MS);
            assert.ok(diagnosis.estimateMs !== undefined && Math.abs(diagnosis.estimateMs - PROXY_IDLE_MS) <= PROXY_IDLE_MS * 0.1, `estimate ${diagnosis.estimateMs} ms within 10 % of 2000`);
            assert.ok(diagnosis.recommendedHeartbeatMs! <= diagnosis.estimateMs! / 3 + 1, `recommended heartbeat ${diagnosis.recommendedHeartbeatMs} <= estimate / 3`);
            assert.equal(run.log.of('error').length, 0, 'reconnects through the proxy all succeed');
          } finally {
            run.stop();
          }
        });
      });

      test(`2. ${proxy.name}: server heartbeats every 0.5 s keep the stream up for 5 x the proxy timeout`, { skip: !proxy.available() && `${proxy.name} is not installed` }, async () => {
        await withProxiedServer(spec, proxy.start, spec.heartbeat(500), async (url) => {
          const run = runMonitor([config(spec, url, { idleTimeoutSeconds: PROXY_IDLE_SECONDS })]);
          try {
            await run.log.waitFor(isEvent('open'), 10_000);
            const opened = performance.now();
            await sleep(PROXY_IDLE_MS * 5);
            const heldMs = performance.now() - opened;
            // (timers may fire a hair early against performance.now(): allow 50 ms)
            assert.deepEqual(run.log.of('drop'), [], 'no drop while server heartbeats flow');
            assert.equal(run.log.of('open').length, 1, 'one open, no reconnect');
            const beats = run.log.events.filter((e): e is HeartbeatEvent => e.event === 'heartbeat' && e.direction === 'in' && e.kind === 'sse-comment');
            assert.ok(heldMs >= PROXY_IDLE_MS * 5 - 50, `held ${heldMs} ms`);
            assert.ok(beats.length >= 12, `~20 server heartbeats in 10 s, saw ${beats.length}`);
          } finally {
            run.stop();
          }
        });
      });
    }

    if (spec.probes && !spec.probeAnswersOnStream) {
      test('3. client pings on separate POSTs are answered but do not keep the stream alive through the proxy; the monitor says so', { skip: !nginxAvailable() && 'nginx is not installed' }, async () => {
        await withProxiedServer(spec, startNginx, spec.silent, async (url) => {
          const run = runMonitor([config(spec, url, { heartbeatSeconds: 0.5 })]);
          try {
            const diagnosis = (await run.log.waitFor(
              (e): e is DiagnosisEvent => e.event === 'diagnosis' && e.finding === 'intermediary-idle-timeout',
              25_000,
            )) as DiagnosisEvent;
            const answered = run.log.events.filter((e): e is HeartbeatEvent => e.event === 'heartbeat' && e.direction === 'out' && typeof e.rttMs === 'number');
            assert.ok(answered.length >= 6, `client probes were answered (with rtt), saw ${answered.length}`);
            assert.ok(run.log.of('drop').length >= 3, 'and still the stream dropped again and again');
            assert.match(diagnosis.message, /do not keep the stream alive/);
          } finally {
            run.stop();
          }
        });
      });
    }
    if (spec.probes && spec.probeAnswersOnStream) {
      test('3. client pings whose answers come back on the stream (HTTP+SSE) do keep it alive through the proxy', { skip: !nginxAvailable() && 'nginx is not installed' }, async () => {
        await withProxiedServer(spec, startNginx, spec.silent, async (url) => {
          const run = runMonitor([config(spec, url, { heartbeatSeconds: 0.5, idleTimeoutSeconds: PROXY_IDLE_SECONDS })]);
          try {
            await run.log.waitFor(isEvent('open'), 10_000);
            await sleep(PROXY_IDLE_MS * 3);
            assert.deepEqual(run.log.of('drop'), []);
            const answered = run.log.events.filter((e) => e.event === 'heartbeat' && e.direction === 'out' && typeof e.rttMs === 'number');
            assert.ok(answered.length >= 6, `pings answered on the stream, saw ${answered.length}`);
          } finally {
            run.stop();
          }
        });
      });
    }

    // Proofs 4 and 5 use their own server processes and wait on wall-clock events, so they run beside 1-3.
    test('4. SIGSTOP: drop by watchdog within the idle window + 20 %, reconnects back off, SIGCONT opens again', async () => {
      const server = await spawnLabServer(spec.labKind, spec.heartbeat(500));
      const run = runMonitor([config(spec, server.url, { idleTimeoutSeconds: PROXY_IDLE_SECONDS, reconnect: { initialDelaySeconds: 0.2, maxDelaySeconds: 5, multiplier: 2, jitter: 0 } })]);
      try {
        await run.log.waitFor(isEvent('open'), 10_000);
        await run.log.waitFor((e) => e.event === 'heartbeat' && e.direction === 'in', 5_000);
        server.freeze();
        const frozenAt = performance.now();
        const drop = (await run.log.waitFor(isEvent('drop'), 8_000)) as DropEvent;
        const afterFreezeMs = performance.now() - frozenAt;
        assert.equal(drop.cause, 'watchdog', drop.detail);
        assert.ok(drop.silenceMs <= PROXY_IDLE_MS * 1.2, `silence at the drop ${drop.silenceMs} ms <= idle window + 20 %`);
        // The last heartbeat came at most 0.5 s before the freeze.
        assert.ok(afterFreezeMs <= PROXY_IDLE_MS * 1.2 + 100, `dropped ${afterFreezeMs} ms after the freeze`);
        const dropIndex = run.log.events.indexOf(drop);
        // While frozen, connects hang until the handshake limit and fail: the delays between them grow.
        const backoffs = (await run.log.waitForCount((e) => e.event === 'backoff' && run.log.events.indexOf(e) > dropIndex, 2, 15_000)) as BackoffEvent[];
        assert.ok(backoffs[1]!.delayMs > backoffs[0]!.delayMs, `backoff grows: ${backoffs.map((b) => b.delayMs).join(' -> ')}`);
        const failures = run.log.of('error').filter((e) => run.log.events.indexOf(e) > dropIndex);
        assert.ok(failures.length >= 1 && failures.every((e) => e.cause === 'connect-failed'), JSON.stringify(failures));
        const thawIndex = run.log.events.length;
        server.thaw();
        await run.log.waitFor((e) => e.event === 'open' && run.log.events.indexOf(e) >= thawIndex, 15_000);
      } finally {
        run.stop();
        await server.stop();
      }
    });

    test('5. kill and restart on the same port: drop classified, refused reconnects back off, open again, backoff reset after a healthy session', async () => {
      const server = await spawnLabServer(spec.labKind, spec.heartbeat(500));
      const run = runMonitor([config(spec, server.url, { idleTimeoutSeconds: PROXY_IDLE_SECONDS, reconnect: { initialDelaySeconds: 0.2, maxDelaySeconds: 5, multiplier: 2, jitter: 0 } })]);
      try {
        await run.log.waitFor(isEvent('open'), 10_000);
        await server.kill();
        const drop = (await run.log.waitFor(isEvent('drop'), 5_000)) as DropEvent;
        assert.ok(drop.cause === 'reset' || drop.cause === 'eof', `a killed server is a reset/eof, got ${drop.cause}: ${drop.detail}`);
        const from = run.log.events.indexOf(drop);
        const firstBackoff = run.log.events.slice(from).find(isEvent('backoff'));
        const refused = (await run.log.waitForCount((e) => e.event === 'error' && run.log.events.indexOf(e) > from, 2, 10_000)) as ErrorEvent[];
        assert.ok(refused.every((e) => e.cause === 'connect-failed' && /refused/.test(e.message)), JSON.stringify(refused));
        const grown = run.log.events.slice(from).filter(isEvent('backoff'));
        assert.ok(grown.at(-1)!.delayMs > firstBackoff!.delayMs, `backoff grows while refused: ${grown.map((b) => b.delayMs).join(' -> ')}`);
        const restartIndex = run.log.events.length;
        await server.restart();
        await run.log.waitFor((e) => e.event === 'open' && run.log.events.indexOf(e) >= restartIndex, 10_000);
        // A session that outlives the idle window resets the backoff: the next drop starts over.
        await sleep(PROXY_IDLE_MS + 700);
        const secondIndex = run.log.events.length;
        await server.kill();
        const secondDrop = await run.log.waitFor((e) => e.event === 'drop' && run.log.events.indexOf(e) >= secondIndex, 5_000);
        const next = (await run.log.waitFor((e) => e.event === 'backoff' && run.log.events.indexOf(e) > run.log.events.indexOf(secondDrop), 5_000)) as BackoffEvent;
        assert.equal(next.attempt, firstBackoff!.attempt, 'attempt count starts over');
        assert.equal(next.delayMs, firstBackoff!.delayMs, 'delay starts over at the initial delay');
      } finally {
        run.stop();
        await server.stop();
      }
    });

  });

  // Alone: handle counts are process-wide, so nothing else may run while they are measured.
  describe(`${spec.label}: resources`, () => {
    test('7. no leaks: 200 connect/close cycles leave handles, sockets and timers at a small constant', async () => {
      const server = await startLabServer(spec.labKind, spec.silent);
      try {
        const cfg = config(spec, server.url);
        // Warm up once so lazily created module-level resources are in the baseline.
        await cycle(cfg);
        await settle();
        const before = activeResources();
        for (let i = 0; i < 200; i++) await cycle(cfg);
        const after = await settle(before);
        for (const type of ['TCPSocketWrap', 'Timeout', 'TCPWrap']) {
          assert.ok((after[type] ?? 0) <= (before[type] ?? 0) + 2, `${type}: ${before[type] ?? 0} before, ${after[type] ?? 0} after 200 cycles (${JSON.stringify(after)})`);
        }
      } finally {
        await server.close();
      }
    });
  });
}

/** One attempt: open, probe when the kind has one, close as a user would. */
async function cycle(cfg: EndpointConfig): Promise<void> {
  const attempt = recordAttempt(createTransport, cfg);
  await attempt.opened(10_000);
  // The probe opens the attempt's second connection (MCP's ping beside the stream): closing frees both.
  if (attempt.transport.probe) await attempt.transport.probe();
  attempt.transport.close('manual', 'leak test cycle');
  await attempt.ended(5_000);
}

/** Waits (bounded) until handle counts stop exceeding `target` + 2; returns the last counts. */
async function settle(target?: Record<string, number>): Promise<Record<string, number>> {
  let counts = activeResources();
  for (let i = 0; i < (target ? 50 : 5); i++) {
    await sleep(100);
    counts = activeResources();
    if (!target) continue;
    const ok = ['TCPSocketWrap', 'Timeout', 'TCPWrap'].every((t) => (counts[t] ?? 0) <= (target[t] ?? 0) + 2);
    if (ok) break;
  }
  return counts;
}
