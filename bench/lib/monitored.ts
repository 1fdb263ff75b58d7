// A Monitor over real transports, instrumented for benchmarks: every event with a monotonic timestamp,
// and every activity() a transport reports counted per endpoint (by wrapping the sink it is given).

import { parseEndpoints } from '../../src/core/config.ts';
import type { StreamEvent } from '../../src/core/events.ts';
import { Monitor } from '../../src/core/monitor.ts';
import type { TransportFactory, TransportSink } from '../../src/core/transport.ts';
import { createTransport } from '../../src/transports/index.ts';

export interface TimedEvent {
  readonly at: number;
  readonly event: StreamEvent;
}

export interface ActivityCounter {
  count: number;
  lastAt: number;
  /** Called (if set) on every activity, after counting. */
  onActivity?: (count: number) => void;
}

export interface MonitoredRun {
  readonly monitor: Monitor;
  readonly events: TimedEvent[];
  readonly activity: Map<string, ActivityCounter>;
  /** Resolves with the first event (at or after `since`) matching, or null after `timeoutMs`. */
  waitFor(predicate: (e: StreamEvent) => boolean, timeoutMs: number, since?: number): Promise<TimedEvent | null>;
  /** Adds endpoints in batches of `batch` every `everyMs` (a ramp instead of a connect storm). */
  ramp(rawEndpoints: unknown[], batch: number, everyMs: number): Promise<void>;
  dispose(): void;
}

export function counterFor(activity: Map<string, ActivityCounter>, name: string): ActivityCounter {
  let counter = activity.get(name);
  if (!counter) {
    counter = { count: 0, lastAt: 0 };
    activity.set(name, counter);
  }
  return counter;
}

function parse(rawEndpoints: unknown[]) {
  const { endpoints, issues } = parseEndpoints(rawEndpoints);
  if (issues.length > 0) throw new Error(`bench config invalid: ${JSON.stringify(issues)}`);
  return endpoints;
}

/**
 * `stampActivity: false` leaves `lastAt` at 0: the throughput benchmark only counts, and a clock read per
 * message is a cost the raw client it is compared with does not pay.
 */
export function startMonitored(rawEndpoints: unknown[], options: { keepEvents?: boolean; stampActivity?: boolean } = {}): MonitoredRun {
  const endpoints = parse(rawEndpoints);
  const activity = new Map<string, ActivityCounter>();
  const stamp = options.stampActivity ?? true;
  const factory: TransportFactory = (context) => {
    const counter = counterFor(activity, context.config.name);
    const sink: TransportSink = {
      ...context.sink,
      opened: (info) => context.sink.opened(info),
      warning: (m) => context.sink.warning(m),
      retryHint: (ms) => context.sink.retryHint(ms),
      ended: (info) => context.sink.ended(info),
      activity: (a) => {
        counter.count++;
        if (stamp) counter.lastAt = performance.now();
        context.sink.activity(a);
        counter.onActivity?.(counter.count);
      },
    };
    return createTransport({ ...context, sink });
  };
  const monitor = new Monitor({ transportFactory: factory });
  const events: TimedEvent[] = [];
  const waiters = new Set<{ predicate: (e: StreamEvent) => boolean; since: number; resolve: (e: TimedEvent) => void }>();
  const keep = options.keepEvents ?? true;
  monitor.onEvent((event) => {
    // A gRPC Watch message is a heartbeat event: with nothing keeping or awaiting it, stamping it would
    // be a per-message cost of the harness that the raw client it is compared with does not pay.
    if (!keep && waiters.size === 0 && event.event === 'heartbeat') return;
    const timed = { at: performance.now(), event };
    if (keep || event.event !== 'heartbeat') events.push(timed);
    for (const w of waiters) {
      if (timed.at >= w.since && w.predicate(event)) {
        waiters.delete(w);
        w.resolve(timed);
      }
    }
  });
  monitor.update(endpoints);
  return {
    monitor,
    events,
    activity,
    waitFor(predicate, timeoutMs, since = performance.now()) {
      const past = events.find((e) => e.at >= since && predicate(e.event));
      if (past) return Promise.resolve(past);
      return new Promise((resolve) => {
        const waiter = { predicate, since, resolve: (e: TimedEvent) => (clearTimeout(timer), resolve(e)) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          resolve(null);
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async ramp(more, batch, everyMs) {
      const all = [...endpoints];
      const extra = parse(more);
      for (let i = 0; i < extra.length; i += batch) {
        all.push(...extra.slice(i, i + batch));
        monitor.update(all);
        if (i + batch < extra.length) await new Promise((r) => setTimeout(r, everyMs));
      }
    },
    dispose() {
      monitor.dispose();
      waiters.clear();
    },
  };
}
