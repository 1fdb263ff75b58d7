// Proofs 4 and 5 of issue 3 for a real server process (SIGSTOP/SIGCONT, kill/restart on the same port),
// shared by the grpc and websocket tests: the flow is the same, only the server and the config differ.

import assert from 'node:assert/strict';
import type { EndpointConfig } from '../../../src/core/config.ts';
import type { DropEvent } from '../../../src/core/events.ts';
import type { AnyLabServerOptions } from '../../../src/lab/servers/index.ts';
import { spawnLabServer } from '../../../src/lab/process.ts';
import type { LabServerKind } from '../../../src/lab/types.ts';
import { isDrop, isError, watch, withCleanup } from './grpcWsMonitor.ts';
import { sleep } from './monitorHarness.ts';

/** Growing, deterministic delays, so the backoff can be read off the events. */
export const GROWING_RECONNECT = { initialDelaySeconds: 0.2, maxDelaySeconds: 5, multiplier: 2, jitter: 0 } as const;
/** Idle window of these proofs; the server's own heartbeat is much shorter, so only death trips it. */
export const LIFECYCLE_IDLE_SECONDS = 2;

type ConfigFor = (url: string) => EndpointConfig;

/** SIGSTOP: watchdog drop within window + 20 %, backoff growing while frozen, open again after SIGCONT. */
export function silentDeathProof(kind: LabServerKind, serverOptions: AnyLabServerOptions, configFor: ConfigFor): Promise<DropEvent> {
  return withCleanup(async (defer) => {
    const lab = await spawnLabServer(kind, serverOptions);
    defer(() => lab.stop());
    const w = watch(configFor(lab.url));
    defer(() => w.dispose());

    await w.log.waitFor((e) => e.event === 'open', 10_000);
    await w.log.waitForCount((e) => e.event === 'heartbeat' && e.direction === 'in', 3, 5_000);
    const from = w.log.events.length;
    const frozenAt = performance.now();
    lab.freeze();
    const drop = await w.log.waitFor(isDrop, 3 * LIFECYCLE_IDLE_SECONDS * 1000, from);
    const elapsed = performance.now() - frozenAt;
    const limitMs = LIFECYCLE_IDLE_SECONDS * 1000 * 1.2;
    assert.equal(drop.cause, 'watchdog', drop.detail);
    assert.ok(drop.silenceMs <= limitMs, `silence at the drop ${drop.silenceMs} ms <= idle window + 20 %`);
    assert.ok(elapsed <= limitMs, `dropped ${Math.round(elapsed)} ms after SIGSTOP, within idle window + 20 %`);

    // While frozen the kernel still accepts connections, but nothing answers: attempts time out.
    await w.log.waitForCount((e) => isError(e) && e.cause === 'connect-failed', 2, 15_000);
    const delays = w.since('backoff', from).map((b) => b.delayMs);
    assert.ok(delays.length >= 2 && delays[1]! > delays[0]!, `backoff grows while the server is frozen: ${delays.join(', ')} ms`);

    const thawedFrom = w.log.events.length;
    lab.thaw();
    await w.log.waitFor((e) => e.event === 'open', 15_000, thawedFrom);
    return drop;
  });
}

/**
 * Kill, then restart on the same port: the drop is classified at once (not by the watchdog), the
 * backoff grows while the port refuses, the stream reopens, and after a session that outlived the
 * idle window the next drop starts from the initial delay. Resolves with the first drop.
 */
export function restartProof(kind: LabServerKind, serverOptions: AnyLabServerOptions, configFor: ConfigFor): Promise<DropEvent> {
  return withCleanup(async (defer) => {
    const lab = await spawnLabServer(kind, serverOptions);
    defer(() => lab.stop());
    const w = watch(configFor(lab.url));
    defer(() => w.dispose());

    await w.log.waitFor((e) => e.event === 'open', 10_000);
    let from = w.log.events.length;
    await lab.kill();
    const drop = await w.log.waitFor(isDrop, 5_000, from);
    assert.notEqual(drop.cause, 'watchdog', 'a killed server closes its sockets: the drop is seen at once, not by the watchdog');
    assert.ok(drop.silenceMs < 1000, `seen promptly (silence ${drop.silenceMs} ms)`);

    await w.log.waitForCount((e) => isError(e) && e.cause === 'connect-failed', 2, 10_000);
    const downDelays = w.since('backoff', from).map((b) => b.delayMs);
    assert.ok(downDelays[1]! > downDelays[0]!, `backoff grows while the port refuses: ${downDelays.join(', ')} ms`);

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
