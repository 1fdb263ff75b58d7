// The stream proofs as flows shared by the grpc and websocket integration tests: the steps and the
// kind-independent assertions live here; each test adds what is specific to its protocol.

import assert from 'node:assert/strict';
import type { EndpointConfig } from '../../../src/core/config.ts';
import type { DiagnosisEvent, DropEvent, ErrorEvent, StreamEvent } from '../../../src/core/events.ts';
import { freePort } from '../../../src/lab/net.ts';
import { spawnLabServer } from '../../../src/lab/process.ts';
import type { AnyLabServerOptions } from '../../../src/lab/servers/index.ts';
import type { LabProcess, LabProxy, LabProxyOptions, LabServerKind, ProxyMode } from '../../../src/lab/types.ts';
import type { TransportFactory } from '../../../src/core/transport.ts';
import { isDrop, isError, settledResources, totalHandles, watch, withCleanup } from './grpcWsMonitor.ts';
import type { Watched } from './grpcWsMonitor.ts';
import { activeResources, assertProxyCutsNear, recordAttempt, sleep } from './monitorHarness.ts';
import { makeTestCerts } from './tlsCerts.ts';

/** The proxies' idle timeout in proofs 1 and 2. */
export const PROXY_IDLE_SECONDS = 2;
/**
 * Idle window of proofs 4 and 5; the server's own heartbeat is much shorter, so only death trips it.
 * 3 s rather than 2 s: "+ 20 %" is then 600 ms, enough for timer lateness on a loaded 2-core machine
 * (2 s failed once in about ten runs at load average 16).
 */
export const LIFECYCLE_IDLE_SECONDS = 3;
export const FAST_RECONNECT = { initialDelaySeconds: 0.1, maxDelaySeconds: 0.2, multiplier: 2, jitter: 0 } as const;
/** Growing, deterministic delays, so the backoff can be read off the events. */
export const GROWING_RECONNECT = { initialDelaySeconds: 0.2, maxDelaySeconds: 5, multiplier: 2, jitter: 0 } as const;
/** For tests that look at one failure only: no second attempt within the test. */
export const SLOW_RECONNECT = { initialDelaySeconds: 5, maxDelaySeconds: 5 } as const;

interface Closeable {
  readonly port: number;
  close(): Promise<void>;
}

type StartProxy = (o: LabProxyOptions) => Promise<LabProxy>;

/** Starts `server`, a proxy in front of it, and a watched endpoint at the proxy's port. */
async function behindProxy(defer: (fn: () => unknown) => void, startServer: () => Promise<Closeable>, startProxy: StartProxy, mode: ProxyMode, configFor: (proxyPort: number) => EndpointConfig): Promise<Watched> {
  const server = await startServer();
  defer(() => server.close());
  const proxy = await startProxy({ upstreamPort: server.port, mode, idleTimeoutSeconds: PROXY_IDLE_SECONDS });
  defer(() => proxy.stop());
  const w = watch(configFor(proxy.port));
  defer(() => w.dispose());
  return w;
}

/**
 * Proof 1: a silent stream through a proxy with a 2 s idle timeout drops again and again after ~2 s
 * of silence, and the diagnosis estimates 2 s within 10 %. Resolves with the drops for more checks.
 */
export function proxyIdleTimeoutProof(startServer: () => Promise<Closeable>, startProxy: StartProxy, mode: ProxyMode, configFor: (proxyPort: number) => EndpointConfig): Promise<{ drops: DropEvent[]; events: StreamEvent[] }> {
  return withCleanup(async (defer) => {
    const w = await behindProxy(defer, startServer, startProxy, mode, configFor);
    const diagnosis = (await w.log.waitFor((e) => e.event === 'diagnosis' && e.finding === 'intermediary-idle-timeout', 30_000)) as DiagnosisEvent;
    const drops = w.log.of('drop');
    assert.ok(drops.length >= 3, `three drops before the diagnosis, got ${drops.length}`);
    assertProxyCutsNear(drops, PROXY_IDLE_SECONDS * 1000);
    const estimate = diagnosis.estimateMs;
    assert.ok(estimate !== undefined && Math.abs(estimate - 2000) <= 200, `estimate ${estimate} ms within 10 % of 2 s`);
    assert.ok(diagnosis.recommendedHeartbeatMs !== undefined && diagnosis.recommendedHeartbeatMs <= estimate / 3, 'recommends a heartbeat of at most a third');
    return { drops, events: [...w.log.events] };
  });
}

/** Proof 2: with heartbeats the same path stays up for 5 x the proxy timeout; resolves with the events of that time. */
export function staysUpProof(startServer: () => Promise<Closeable>, startProxy: StartProxy, mode: ProxyMode, configFor: (proxyPort: number) => EndpointConfig): Promise<StreamEvent[]> {
  return withCleanup(async (defer) => {
    const w = await behindProxy(defer, startServer, startProxy, mode, configFor);
    await w.log.waitFor((e) => e.event === 'open', 10_000);
    const from = w.log.events.length;
    await sleep(5 * PROXY_IDLE_SECONDS * 1000);
    assert.deepEqual(w.since('drop', from), [], `no drop in ${5 * PROXY_IDLE_SECONDS} s`);
    assert.equal(w.monitor.status()[0]?.state, 'open');
    return w.log.events.slice(from);
  });
}

/** Heartbeats of one kind and direction among `events`. */
export function heartbeats(events: readonly StreamEvent[], direction: 'in' | 'out', kind: string): Extract<StreamEvent, { event: 'heartbeat' }>[] {
  return events.filter((e): e is Extract<StreamEvent, { event: 'heartbeat' }> => e.event === 'heartbeat' && e.direction === direction && e.kind === kind);
}

type ConfigFor = (url: string) => EndpointConfig;

/** Spawns a lab server process and watches it until the stream is open. */
async function openOnLab(defer: (fn: () => unknown) => void, kind: LabServerKind, serverOptions: AnyLabServerOptions, configFor: ConfigFor): Promise<{ lab: LabProcess; w: Watched }> {
  const lab = await spawnLabServer(kind, serverOptions);
  defer(() => lab.stop());
  const w = watch(configFor(lab.url));
  defer(() => w.dispose());
  await w.log.waitFor((e) => e.event === 'open', 10_000);
  return { lab, w };
}

/** The backoff delays after index `from` must grow (attempts fail while the server is away). */
async function assertBackoffGrows(w: Watched, from: number, why: string, timeoutMs: number): Promise<void> {
  await w.log.waitForCount((e) => isError(e) && e.cause === 'connect-failed', 2, timeoutMs);
  const delays = w.since('backoff', from).map((b) => b.delayMs);
  assert.ok(delays.length >= 2 && delays[1]! > delays[0]!, `backoff grows ${why}: ${delays.join(', ')} ms`);
}

/** Proof 4: SIGSTOP gives a watchdog drop within window + 20 %, backoff grows while frozen, SIGCONT reopens. */
export function silentDeathProof(kind: LabServerKind, serverOptions: AnyLabServerOptions, configFor: ConfigFor): Promise<DropEvent> {
  return withCleanup(async (defer) => {
    const { lab, w } = await openOnLab(defer, kind, serverOptions, configFor);
    await w.log.waitForCount((e) => e.event === 'heartbeat' && e.direction === 'in', 3, 5_000);
    const from = w.log.events.length;
    const frozenAt = performance.now();
    lab.freeze();
    const drop = await w.log.waitFor(isDrop, 3 * LIFECYCLE_IDLE_SECONDS * 1000, from);
    const elapsed = performance.now() - frozenAt;
    const limitMs = LIFECYCLE_IDLE_SECONDS * 1000 * 1.2;
    const seen = JSON.stringify(drop);
    assert.equal(drop.cause, 'watchdog', seen);
    assert.ok(drop.silenceMs <= limitMs, `silence at the drop ${drop.silenceMs} ms <= idle window + 20 %: ${seen}`);
    assert.ok(elapsed <= limitMs, `dropped ${Math.round(elapsed)} ms after SIGSTOP, within idle window + 20 %: ${seen}`);
    // While frozen the kernel still accepts connections, but nothing answers: attempts time out.
    await assertBackoffGrows(w, from, 'while the server is frozen', 15_000);
    const thawedFrom = w.log.events.length;
    lab.thaw();
    await w.log.waitFor((e) => e.event === 'open', 15_000, thawedFrom);
    return drop;
  });
}

/**
 * Proof 5: kill, then restart on the same port. The drop is classified at once (not by the watchdog),
 * the backoff grows while the port refuses, the stream reopens, and after a session that outlived the
 * idle window the next drop starts from the initial delay. Resolves with the first drop.
 */
export function restartProof(kind: LabServerKind, serverOptions: AnyLabServerOptions, configFor: ConfigFor): Promise<DropEvent> {
  return withCleanup(async (defer) => {
    const { lab, w } = await openOnLab(defer, kind, serverOptions, configFor);
    let from = w.log.events.length;
    await lab.kill();
    const drop = await w.log.waitFor(isDrop, 5_000, from);
    assert.notEqual(drop.cause, 'watchdog', 'a killed server closes its sockets: the drop is seen at once, not by the watchdog');
    assert.ok(drop.silenceMs < 1000, `seen promptly (silence ${drop.silenceMs} ms)`);
    await assertBackoffGrows(w, from, 'while the port refuses', 10_000);

    from = w.log.events.length;
    await lab.restart();
    await w.log.waitFor((e) => e.event === 'open', 15_000, from);
    // Stay healthy past the idle window: the next drop starts the backoff from the beginning.
    await sleep(LIFECYCLE_IDLE_SECONDS * 1000 + 600);
    from = w.log.events.length;
    await lab.kill();
    await w.log.waitFor(isDrop, 5_000, from);
    const first = await w.log.waitFor((e) => e.event === 'backoff', 5_000, from);
    assert.equal(first.event === 'backoff' && first.delayMs, GROWING_RECONNECT.initialDelaySeconds * 1000, 'backoff reset to the initial delay');
    return drop;
  });
}

/** Proof 6, refused port: a connect-failed error naming ECONNREFUSED, retried with backoff. */
export function refusedPortProof(urlFor: (port: number) => string, configFor: ConfigFor): Promise<void> {
  return withCleanup(async (defer) => {
    const w = watch(configFor(urlFor(await freePort())));
    defer(() => w.dispose());
    const errors = (await w.log.waitForCount((e) => isError(e), 2, 10_000)) as ErrorEvent[];
    for (const error of errors) assert.equal(error.cause, 'connect-failed');
    assert.match(errors[0]!.message, /ECONNREFUSED/);
    assert.ok(w.log.of('backoff').length >= 2, 'retried');
  });
}

/**
 * Proof 6, TLS, with certificates made by openssl (tlsCerts.ts): a self-signed certificate is refused
 * by default (error `tls`) and accepted with rejectUnauthorized off; a leaf of a private CA opens with
 * that CA as caFile (and answers a probe); an expired leaf of the same CA is refused even so.
 */
export function tlsProof(
  startServer: (tls: { key: string; cert: string }) => Promise<{ readonly url: string; close(): Promise<void> }>,
  configFor: (url: string, extra: Record<string, unknown>) => EndpointConfig,
  probeKind: string,
): Promise<void> {
  return withCleanup(async (defer) => {
    const certs = makeTestCerts();
    defer(() => certs.remove());
    const start = async (pair: { key: string; cert: string }) => {
      const server = await startServer(pair);
      defer(() => server.close());
      return server.url;
    };
    const watched = (url: string, extra: Record<string, unknown>) => {
      const w = watch(configFor(url, extra));
      defer(() => w.dispose());
      return w;
    };
    const [selfSigned, valid, expired] = await Promise.all([start(certs.selfSigned), start(certs.valid), start(certs.expired)]);

    const strict = watched(selfSigned, { reconnect: SLOW_RECONNECT });
    const strictError = await strict.log.waitFor(isError, 10_000);
    assert.equal(strictError.cause, 'tls', strictError.message);

    const lax = watched(selfSigned, { tls: { rejectUnauthorized: false } });
    await lax.log.waitFor((e) => e.event === 'open', 10_000);

    const trusted = watched(valid, { tls: { caFile: certs.caFile }, heartbeatSeconds: 0.5, idleTimeoutSeconds: 5 });
    const open = await trusted.log.waitFor((e) => e.event === 'open', 10_000);
    assert.match(open.event === 'open' ? open.detail : '', /over TLS/);
    await trusted.log.waitFor((e) => e.event === 'heartbeat' && e.direction === 'out' && e.kind === probeKind, 5_000);

    const stale = watched(expired, { tls: { caFile: certs.caFile }, reconnect: SLOW_RECONNECT });
    const staleError = await stale.log.waitFor(isError, 10_000);
    assert.equal(staleError.cause, 'tls', staleError.message);
    assert.match(staleError.message, /expired/i);
  });
}

/**
 * Proof 7: 200 connect/drop cycles, the first 100 ended by the server (cause `serverCause`), the next
 * 100 by the client (`reconnect()`), leave live handles and sockets where they were.
 */
export function leakProof(server: { readonly stats: { readonly open: number }; close(): Promise<void> }, config: EndpointConfig, serverCause: DropEvent['cause']): Promise<DropEvent[]> {
  return withCleanup(async (defer) => {
    defer(() => server.close());
    await sleep(50);
    const before = activeResources();
    const w = watch(config);
    let disposed = false;
    defer(() => disposed || w.dispose());

    const serverEnded = (await w.log.waitForCount((e) => isDrop(e) && e.cause === serverCause, 100, 60_000)) as DropEvent[];
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
    return serverEnded;
  });
}

/**
 * The transport contract with the recording sink (which throws on a second `ended()`): `ended()` comes
 * once with the cause given to the first `close()`, a second `close()` is a no-op, a probe after the
 * end rejects, and the server sees the stream gone.
 */
export async function closeContractProof(factory: TransportFactory, config: EndpointConfig, server: { readonly stats: { readonly open: number } }, probeError: RegExp): Promise<void> {
  const attempt = recordAttempt(factory, config);
  await attempt.opened();
  attempt.transport.close('manual', 'first');
  attempt.transport.close('watchdog', 'second');
  const end = await attempt.ended();
  assert.deepEqual([end.cause, end.detail, end.retryable], ['manual', 'first', true]);
  await assert.rejects(attempt.transport.probe!(), probeError);
  const deadline = performance.now() + 5_000;
  while (server.stats.open > 0 && performance.now() < deadline) await sleep(50);
  assert.equal(server.stats.open, 0, 'the server saw the stream end');
}
