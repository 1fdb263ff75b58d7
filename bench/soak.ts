// The soak: 200 mixed streams through real nginx for an hour, with the proxy cut and the servers
// restarted on a schedule, while the monitor process's RSS, heap, open handles and timers are sampled
// each minute. A leak shows as growth after the warm-up; the figures are that growth. Not part of CI.
// Run alone: node --expose-gc bench/soak.ts [--streams 200] [--minutes 60] [--warmup-minutes 5]
// [--cut-every-minutes 7] [--restart-every-minutes 11]; prints {"figures":[...], "samples":[...]}.

import { createHook } from 'node:async_hooks';
import { nginxAvailable, startNginx } from '../src/lab/proxies/index.ts';
import { spawnLabServer } from '../src/lab/process.ts';
import type { LabProcess, LabProxy, ProxyMode } from '../src/lab/types.ts';
import { numberArg } from './lib/args.ts';
import { forceGc, LAB_SERVERS } from './lib/labServers.ts';
import type { RawKind } from './lib/raw.ts';
import type { Figure } from './lib/figures.ts';
import { startMonitored } from './lib/monitored.ts';
import { median, round, sleep } from './lib/stats.ts';

/** nginx's read timeout: far above the 10 s heartbeats, so only the scheduled cuts end streams. */
const PROXY_IDLE_SECONDS = 60;
const HEARTBEAT_SECONDS = 10;
const SAMPLE_EVERY_MS = 60_000;
/** A sample is taken only once every stream is open again (bounded), so reconnect transients are not counted. */
const SETTLED_WAIT_MS = 30_000;

/** Each kind through an nginx in its mode, the servers heartbeating at the clients' cadence. */
const MIX: ReadonlyArray<{ kind: RawKind; mode: ProxyMode }> = [
  { kind: 'sse', mode: 'http' },
  { kind: 'websocket', mode: 'websocket' },
  { kind: 'grpc', mode: 'grpc' },
  { kind: 'mcp', mode: 'http' },
];

interface Hop {
  readonly kind: RawKind;
  readonly mode: ProxyMode;
  readonly server: LabProcess;
  proxy: LabProxy;
  readonly url: string;
}

export interface SoakSample {
  readonly minute: number;
  readonly open: number;
  readonly rssKiB: number;
  readonly heapKiB: number;
  /** Live native handles (see HANDLE). */
  readonly handles: number;
  readonly timers: number;
  readonly byType: Record<string, number>;
  readonly settled: boolean;
}

/**
 * Live async resources by type, from async_hooks: unlike `process.getActiveResourcesInfo()` this sees
 * unref()ed timers and sockets too (the core's timers and undici's sockets are unref()ed), and a
 * resource leaves the count when it is destroyed (a timer cleared or fired, a socket closed).
 */
const live = new Map<number, string>();
const NOT_COUNTED = new Set(['PROMISE', 'TickObject', 'Microtask', 'Immediate']);
createHook({
  init(id, type) {
    if (!NOT_COUNTED.has(type)) live.set(id, type);
  },
  destroy(id) {
    live.delete(id);
  },
}).enable();

/**
 * Native handles: sockets, pipes, HTTP/2 sessions and streams, DNS channels, child processes. The JS-level
 * resources (undici's requests, stream finish watchers) are destroyed when collected, so their counts
 * follow the GC, not the streams: they are in `byType` but not in `handles`.
 */
const HANDLE = /WRAP$|^HTTP2(SESSION|STREAM)$|^DNSCHANNEL$/;

function resources(): { handles: number; timers: number; byType: Record<string, number> } {
  const byType: Record<string, number> = {};
  for (const type of live.values()) byType[type] = (byType[type] ?? 0) + 1;
  const handles = Object.entries(byType).reduce((sum, [type, n]) => sum + (HANDLE.test(type) ? n : 0), 0);
  return { handles, timers: byType.Timeout ?? 0, byType };
}

async function startHops(): Promise<Hop[]> {
  return Promise.all(
    MIX.map(async (m) => {
      const spec = LAB_SERVERS[m.kind];
      const server = await spawnLabServer(spec.server, spec.options(HEARTBEAT_SECONDS * 1000));
      const proxy = await startNginx({ upstreamPort: server.port, mode: m.mode, idleTimeoutSeconds: PROXY_IDLE_SECONDS });
      const url = new URL(server.url);
      url.port = String(proxy.port);
      return { kind: m.kind, mode: m.mode, server, proxy, url: url.toString() };
    }),
  );
}

/** The proxy cut: nginx stopped (every stream through it ends) and started again on the same port. */
async function cutProxy(hop: Hop): Promise<void> {
  const port = hop.proxy.port;
  await hop.proxy.stop();
  hop.proxy = await startNginx({ upstreamPort: hop.server.port, mode: hop.mode, idleTimeoutSeconds: PROXY_IDLE_SECONDS, port });
}

/** Growth from the median of the first settled samples after warm-up to the median of the last ones. */
function growth(samples: readonly SoakSample[], pick: (s: SoakSample) => number, warmupMinutes: number): { from: number; to: number } | undefined {
  const settled = samples.filter((s) => s.settled && s.minute >= warmupMinutes);
  if (settled.length < 4) return undefined;
  const span = Math.max(2, Math.floor(settled.length / 4));
  return { from: median(settled.slice(0, span).map(pick)), to: median(settled.slice(-span).map(pick)) };
}

function countGrowth(id: string, label: string, g: { from: number; to: number } | undefined, what: string, streams: number): Figure {
  return {
    id,
    item: 6,
    label,
    value: g ? g.to - g.from : null,
    unit: '',
    target: { op: '<=', value: Math.ceil(streams * 0.02) },
    note: g ? `${g.from} -> ${g.to} ${what}, medians of the first and last settled samples` : 'too few settled samples',
  };
}

export async function runSoak(streams: number, minutes: number, warmupMinutes: number, cutEvery: number, restartEvery: number): Promise<{ figures: Figure[]; samples: SoakSample[] }> {
  if (!nginxAvailable()) throw new Error('the soak needs nginx (apt-get install nginx; scripts/setup.sh installs it)');
  const hops = await startHops();
  const endpoints = Array.from({ length: streams }, (_, i) => {
    const hop = hops[i % hops.length]!;
    return {
      name: `soak-${hop.kind}-${i}`,
      kind: hop.kind,
      url: hop.url,
      heartbeatSeconds: HEARTBEAT_SECONDS,
      idleTimeoutSeconds: HEARTBEAT_SECONDS * 3,
      reconnect: { initialDelaySeconds: 1, maxDelaySeconds: 10 },
    };
  });
  const run = startMonitored(endpoints, { keepEvents: false });
  const samples: SoakSample[] = [];
  let cuts = 0;
  let restarts = 0;
  let drops = 0;
  // The harness keeps every non-heartbeat event; an hour of them would be the benchmark's own leak.
  const countAndForget = () => {
    drops += run.events.filter((e) => e.event.event === 'drop').length;
    run.events.length = 0;
  };
  const openCount = () => run.monitor.status().filter((s) => s.state === 'open').length;
  try {
    const started = performance.now();
    for (let minute = 1; minute <= minutes; minute++) {
      await sleep(Math.max(0, started + minute * SAMPLE_EVERY_MS - performance.now()));
      // Faults first, on their own schedules and rotating over the kinds; then wait for the recovery.
      if (minute % cutEvery === 0) await cutProxy(hops[cuts++ % hops.length]!);
      if (minute % restartEvery === 0) await hops[restarts++ % hops.length]!.server.restart();
      const deadline = performance.now() + SETTLED_WAIT_MS;
      while (openCount() < streams && performance.now() < deadline) await sleep(250);
      const open = openCount();
      // Let the closed attempts' sockets and timers finish closing before counting them.
      await sleep(2000);
      countAndForget();
      forceGc();
      const m = process.memoryUsage();
      const sample = { minute, open, rssKiB: Math.round(m.rss / 1024), heapKiB: Math.round(m.heapUsed / 1024), ...resources(), settled: open === streams };
      samples.push(sample);
      process.stderr.write(`soak: ${JSON.stringify(sample)}\n`);
    }
  } finally {
    run.dispose();
    await Promise.all(hops.map(async (h) => Promise.all([h.proxy.stop(), h.server.kill()])));
  }
  countAndForget();
  const context = `${streams} streams (sse/websocket/grpc/mcp 1:1:1:1) through nginx for ${minutes} min, heartbeat ${HEARTBEAT_SECONDS} s; nginx cut every ${cutEvery} min (${cuts} cuts), a server restarted every ${restartEvery} min (${restarts} restarts), ${drops} drops in all; ${samples.filter((s) => s.settled).length}/${samples.length} samples with every stream open`;
  const rss = growth(samples, (s) => s.rssKiB, warmupMinutes);
  const heap = growth(samples, (s) => s.heapKiB, warmupMinutes);
  const handles = growth(samples, (s) => s.handles, warmupMinutes);
  const timers = growth(samples, (s) => s.timers, warmupMinutes);
  const percent = (g: { from: number; to: number } | undefined) => (g ? round(((g.to - g.from) / g.from) * 100, 1) : null);
  const figures: Figure[] = [
    {
      id: 'soak.rss.growth',
      item: 6,
      label: `RSS growth after ${warmupMinutes} min warm-up`,
      value: percent(rss),
      unit: '%',
      target: { op: '<=', value: 5 },
      note: `${rss ? `${round(rss.from / 1024, 1)} -> ${round(rss.to / 1024, 1)} MiB (medians of the first and last settled samples)` : 'too few settled samples'}; heap ${heap ? `${round(heap.from / 1024, 1)} -> ${round(heap.to / 1024, 1)} MiB (${percent(heap)} %)` : 'n/a'}; ${context}`,
    },
    // Flat: the same sockets and timers for the same open streams.
    countGrowth('soak.handles.growth', 'open handles growth after warm-up', handles, 'handles (sockets, pipes, HTTP/2 sessions and streams, DNS channels)', streams),
    countGrowth('soak.timers.growth', 'active timers growth after warm-up', timers, 'timers', streams),
  ];
  return { figures, samples };
}

if (import.meta.main) {
  const result = await runSoak(
    numberArg('--streams', 200),
    numberArg('--minutes', 60),
    numberArg('--warmup-minutes', 5),
    numberArg('--cut-every-minutes', 7),
    numberArg('--restart-every-minutes', 11),
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
