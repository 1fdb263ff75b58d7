// Runs the real core Monitor with the real transports on one endpoint and records its events, plus the
// small pieces the grpc and websocket integration tests share (proxies, cleanup, leak settling).

import { Monitor } from '../../../src/core/monitor.ts';
import type { EndpointConfig } from '../../../src/core/config.ts';
import type { DropEvent, ErrorEvent, StreamEvent } from '../../../src/core/events.ts';
import { haproxyAvailable, nginxAvailable, startHaproxy, startNginx } from '../../../src/lab/proxies/index.ts';
import type { LabProxy, LabProxyOptions } from '../../../src/lab/types.ts';
import { createTransport } from '../../../src/transports/index.ts';
import { activeResources, eventLog, sleep } from './monitorHarness.ts';
import type { EventLog } from './monitorHarness.ts';

export interface Watched {
  readonly monitor: Monitor;
  readonly log: EventLog;
  /** Events of one kind recorded at or after index `from`. */
  since<N extends StreamEvent['event']>(name: N, from: number): Extract<StreamEvent, { event: N }>[];
  dispose(): void;
}

export function watch(config: EndpointConfig): Watched {
  const monitor = new Monitor({ transportFactory: createTransport });
  const log = eventLog();
  monitor.onEvent((event) => log.listener(event));
  if (process.env.STREAM_HEALTH_TEST_TRACE) monitor.onEvent((event) => console.log(JSON.stringify(event)));
  monitor.update([config]);
  return {
    monitor,
    log,
    since: (name, from) => log.events.slice(from).filter((e) => e.event === name) as never,
    dispose: () => monitor.dispose(),
  };
}

export const isDrop = (e: StreamEvent): e is DropEvent => e.event === 'drop';
export const isError = (e: StreamEvent): e is ErrorEvent => e.event === 'error';

/** The real intermediaries, each with a reason to skip when its binary is missing. */
export const LAB_PROXIES: ReadonlyArray<{ readonly name: string; readonly skip: string | false; readonly start: (o: LabProxyOptions) => Promise<LabProxy> }> = [
  { name: 'nginx', skip: !nginxAvailable() && 'nginx is not installed', start: startNginx },
  { name: 'HAProxy', skip: !haproxyAvailable() && 'haproxy is not installed', start: startHaproxy },
];

/** Runs `body`, then every deferred cleanup in reverse order, even when the body fails. */
export async function withCleanup<T>(body: (defer: (fn: () => unknown) => void) => Promise<T>): Promise<T> {
  const cleanups: Array<() => unknown> = [];
  try {
    return await body((fn) => cleanups.push(fn));
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}

export function totalHandles(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/**
 * Waits (bounded) until live handles are back to `before` (+`slack`) and `settled()` holds; sockets
 * close asynchronously after a dispose. Returns the last counts for the assertions.
 */
export async function settledResources(before: Record<string, number>, settled: () => boolean, slack = 1, timeoutMs = 5_000): Promise<Record<string, number>> {
  const deadline = performance.now() + timeoutMs;
  let after = activeResources();
  while (performance.now() < deadline && (!settled() || totalHandles(after) > totalHandles(before) + slack)) {
    await sleep(100);
    after = activeResources();
  }
  return after;
}
