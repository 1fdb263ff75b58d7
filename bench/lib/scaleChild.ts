// One side of the scale benchmark, in a process of its own: opens N mixed streams either through the
// Monitor (monitored) or with the bare libraries (raw), against lab servers the parent started, and
// measures what they cost there: time to open all, RSS per stream, idle CPU, event-loop delay, drops.
// Started by bench/scale.ts with one JSON argument (ScaleChildPlan); prints one JSON line (ScaleChildResult).

import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseEndpoints } from '../../src/core/config.ts';
import { Monitor } from '../../src/core/monitor.ts';
import { createTransport } from '../../src/transports/index.ts';
import { forceGc } from './labServers.ts';
import { OPEN_RAW } from './raw.ts';
import type { RawKind, RawStream } from './raw.ts';
import { sleep } from './stats.ts';

export interface ScaleChildPlan {
  readonly mode: 'monitored' | 'raw';
  readonly streams: number;
  /** Stream i has kind mix[i % mix.length] and goes to that kind's servers in turn. */
  readonly mix: readonly RawKind[];
  readonly urls: Readonly<Partial<Record<RawKind, readonly string[]>>>;
  readonly heartbeatSeconds: number;
  readonly rampBatch: number;
  readonly rampEveryMs: number;
  readonly openWaitMs: number;
  readonly settleMs: number;
  readonly idleSeconds: number;
  readonly delaySeconds: number;
}

export interface ScaleChildResult {
  readonly mode: ScaleChildPlan['mode'];
  readonly streams: number;
  readonly opened: number;
  /** From the first stream added to the last one open; null when not all opened within openWaitMs. */
  readonly openAllMs: number | null;
  readonly rssPerStreamBytes: number;
  readonly jsPerStreamBytes: number;
  /** Process CPU (user + system) over the idle window, in % of one core. */
  readonly idleCpuPercent: number;
  readonly idleSeconds: number;
  readonly delaySeconds: number;
  readonly delayP50Ms: number;
  readonly delayP99Ms: number;
  readonly delayMaxMs: number;
  /** Streams that ended after opening (monitored: `drop` events), and errors (monitored: `error` events). */
  readonly drops: Readonly<Record<string, number>>;
  readonly errors: number;
  /** Why streams ended or failed, most frequent first: raw, the library's words; monitored, `drop` and `error` causes. */
  readonly endReasons: Readonly<Record<string, number>>;
  readonly openAtEnd: number;
  readonly fdLimit: string;
}

const WARM_STREAMS_PER_KIND = 2;
const WARM_WAIT_MS = 20_000;
const POLL_MS = 100;

function memory(): { rss: number; js: number } {
  const m = process.memoryUsage();
  return { rss: m.rss, js: m.heapUsed + m.external + m.arrayBuffers };
}

function fdLimit(): string {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  return line?.split(/\s+/).slice(3, 4).join('') ?? 'unknown';
}

function kindOf(plan: ScaleChildPlan, i: number): RawKind {
  return plan.mix[i % plan.mix.length]!;
}

function urlOf(plan: ScaleChildPlan, i: number): string {
  const urls = plan.urls[kindOf(plan, i)]!;
  return urls[Math.floor(i / plan.mix.length) % urls.length]!;
}

/** What each side must provide: add streams, count them, and tell which are open. */
interface Side {
  add(from: number, to: number): void;
  readonly opened: number;
  readonly openNow: number;
  readonly drops: Record<string, number>;
  readonly errors: number;
  readonly endReasons: Record<string, number>;
  dispose(): void;
}

function monitoredSide(plan: ScaleChildPlan, prefix: string): Side {
  const monitor = new Monitor({ transportFactory: createTransport });
  const configs: ReturnType<typeof parseEndpoints>['endpoints'][number][] = [];
  const everOpen = new Set<string>();
  const open = new Set<string>();
  const drops: Record<string, number> = {};
  const endReasons: Record<string, number> = {};
  const count = (reason: string): void => void (endReasons[reason] = (endReasons[reason] ?? 0) + 1);
  let errors = 0;
  monitor.onEvent((e) => {
    if (e.event === 'open') {
      everOpen.add(e.endpoint);
      open.add(e.endpoint);
    } else if (e.event === 'drop') {
      open.delete(e.endpoint);
      const kind = e.endpoint.split('-')[1]!;
      drops[kind] = (drops[kind] ?? 0) + 1;
      count(`${kind} drop ${e.cause}`);
    } else if (e.event === 'error') {
      errors++;
      count(`${e.endpoint.split('-')[1]} error ${e.cause}: ${e.message.slice(0, 80)}`);
    }
  });
  return {
    add(from, to) {
      const raw = [];
      for (let i = from; i < to; i++) {
        const heartbeatSeconds = plan.heartbeatSeconds;
        raw.push({ name: `${prefix}-${kindOf(plan, i)}-${i}`, kind: kindOf(plan, i), url: urlOf(plan, i), heartbeatSeconds, idleTimeoutSeconds: heartbeatSeconds * 3, reconnect: { initialDelaySeconds: 1, maxDelaySeconds: 10 } });
      }
      const { endpoints, issues } = parseEndpoints(raw);
      if (issues.length > 0) throw new Error(`bench config invalid: ${JSON.stringify(issues.slice(0, 3))}`);
      configs.push(...endpoints);
      monitor.update(configs);
    },
    get opened() {
      return everOpen.size;
    },
    get openNow() {
      return open.size;
    },
    drops,
    get errors() {
      return errors;
    },
    endReasons,
    dispose: () => monitor.dispose(),
  };
}

function rawSide(plan: ScaleChildPlan): Side {
  const streams: RawStream[] = [];
  const drops: Record<string, number> = {};
  const endReasons: Record<string, number> = {};
  let opened = 0;
  let ended = 0;
  return {
    add(from, to) {
      for (let i = from; i < to; i++) {
        const kind = kindOf(plan, i);
        let isOpen = false;
        streams.push(
          OPEN_RAW[kind](urlOf(plan, i), {
            heartbeatMs: plan.heartbeatSeconds * 1000,
            onOpen: () => {
              isOpen = true;
              opened++;
            },
            onEnd: (why) => {
              const reason = `${kind}${isOpen ? '' : ' (never open)'}: ${why.slice(0, 100)}`;
              endReasons[reason] = (endReasons[reason] ?? 0) + 1;
              if (!isOpen) return;
              ended++;
              drops[kind] = (drops[kind] ?? 0) + 1;
            },
          }),
        );
      }
    },
    get opened() {
      return opened;
    },
    get openNow() {
      return opened - ended;
    },
    drops,
    errors: 0,
    endReasons,
    dispose() {
      for (const s of streams) s.close();
    },
  };
}

/** Polls (bounded) until `count` streams have opened; returns the time it happened, or null. */
async function waitOpened(side: Side, count: number, started: number, timeoutMs: number): Promise<number | null> {
  while (performance.now() - started < timeoutMs) {
    if (side.opened >= count) return performance.now() - started;
    await sleep(POLL_MS);
  }
  return side.opened >= count ? performance.now() - started : null;
}

export async function runScaleChild(plan: ScaleChildPlan): Promise<ScaleChildResult> {
  const make = (prefix: string): Side => (plan.mode === 'monitored' ? monitoredSide(plan, prefix) : rawSide(plan));
  // Warm everything up (module loading, JIT, the first connection of each kind), then take the baseline.
  const warmCount = WARM_STREAMS_PER_KIND * plan.mix.length;
  const warm = make('warm');
  const warmStart = performance.now();
  warm.add(0, warmCount);
  await waitOpened(warm, warmCount, warmStart, WARM_WAIT_MS);
  warm.dispose();
  await sleep(1000);
  forceGc();
  const before = memory();

  const side = make('s');
  const started = performance.now();
  for (let i = 0; i < plan.streams; i += plan.rampBatch) {
    side.add(i, Math.min(plan.streams, i + plan.rampBatch));
    if (i + plan.rampBatch < plan.streams) await sleep(plan.rampEveryMs);
  }
  const openAllMs = await waitOpened(side, plan.streams, started, plan.openWaitMs);
  await sleep(plan.settleMs);
  forceGc();
  const after = memory();

  // Idle CPU first, with nothing of the benchmark's own running (no histogram: its timer costs CPU too).
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(plan.idleSeconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const elapsed = performance.now() - t0;

  // A sample is the whole interval between two ticks of a 1 ms timer: its lateness plus ~1 ms.
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await sleep(plan.delaySeconds * 1000);
  histogram.disable();

  return {
    mode: plan.mode,
    streams: plan.streams,
    opened: side.opened,
    openAllMs,
    rssPerStreamBytes: (after.rss - before.rss) / plan.streams,
    jsPerStreamBytes: (after.js - before.js) / plan.streams,
    idleCpuPercent: ((cpu.user + cpu.system) / 1000 / elapsed) * 100,
    idleSeconds: elapsed / 1000,
    delaySeconds: plan.delaySeconds,
    delayP50Ms: histogram.percentile(50) / 1e6,
    delayP99Ms: histogram.percentile(99) / 1e6,
    delayMaxMs: histogram.max / 1e6,
    drops: side.drops,
    errors: side.errors,
    endReasons: Object.fromEntries(Object.entries(side.endReasons).sort((a, b) => b[1] - a[1]).slice(0, 5)),
    openAtEnd: side.openNow,
    fdLimit: fdLimit(),
  };
}

if (import.meta.main) {
  const plan = JSON.parse(process.argv[2] ?? '{}') as ScaleChildPlan;
  const result = await runScaleChild(plan);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // Closing thousands of streams one by one would only slow the benchmark; the servers go with the run.
  process.exit(0);
}
