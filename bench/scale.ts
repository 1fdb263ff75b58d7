// Issue 7 item 4: 1,000 concurrent monitored streams of mixed kinds in one process against local servers
// (in child processes, so only the monitor's side is measured): memory per stream, event-loop delay p99
// with every stream heartbeating each second, and CPU with 1,000 idle streams at a 30 s heartbeat.
// Run alone: node --expose-gc bench/scale.ts [--streams N] [--idle-seconds S]; prints {"figures":[...]}.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { spawnLabServer } from '../src/lab/process.ts';
import type { LabProcess, LabServerKind } from '../src/lab/types.ts';
import { numberArg } from './lib/args.ts';
import type { Figure } from './lib/figures.ts';
import { startMonitored } from './lib/monitored.ts';
import type { MonitoredRun } from './lib/monitored.ts';
import { round, sleep } from './lib/stats.ts';

const OPEN_WAIT_MS = 120_000;
const SETTLE_MS = 5_000;
const DELAY_WINDOW_MS = 15_000;
/** Streams are added 100 at a time, one batch a second, as a fleet of endpoints would come up. */
const RAMP_BATCH = 100;
const RAMP_EVERY_MS = 1000;

type EndpointKind = 'sse' | 'websocket' | 'grpc' | 'mcp';
const MIX: ReadonlyArray<{ kind: EndpointKind; server: LabServerKind; beat: (ms: number) => Record<string, number> }> = [
  { kind: 'sse', server: 'sse', beat: (ms) => ({ heartbeatMs: ms }) },
  // A client whose event loop stalls is not dead: tolerate up to the client's own idle window.
  { kind: 'websocket', server: 'websocket', beat: (ms) => ({ pingMs: ms, maxMissedPongs: 3 }) },
  { kind: 'grpc', server: 'grpc', beat: (ms) => ({ keepaliveMessageMs: ms }) },
  { kind: 'mcp', server: 'mcp-v1', beat: (ms) => ({ heartbeatMs: ms }) },
];

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) {
    collect();
    collect();
  }
}

function memory(): { rss: number; js: number } {
  const m = process.memoryUsage();
  return { rss: m.rss, js: m.heapUsed + m.external + m.arrayBuffers };
}

async function startServers(heartbeatMs: number): Promise<Map<EndpointKind, LabProcess>> {
  const servers = new Map<EndpointKind, LabProcess>();
  await Promise.all(MIX.map(async (m) => servers.set(m.kind, await spawnLabServer(m.server, m.beat(heartbeatMs)))));
  return servers;
}

function endpoints(servers: Map<EndpointKind, LabProcess>, count: number, heartbeatSeconds: number, prefix: string) {
  return Array.from({ length: count }, (_, i) => {
    const m = MIX[i % MIX.length]!;
    return {
      name: `${prefix}-${m.kind}-${i}`,
      kind: m.kind,
      url: servers.get(m.kind)!.url,
      heartbeatSeconds,
      idleTimeoutSeconds: heartbeatSeconds * 3,
      reconnect: { initialDelaySeconds: 1, maxDelaySeconds: 10 },
    };
  });
}

/** Waits (bounded) until at least `count` sessions are open; returns how many are. */
async function waitOpen(run: MonitoredRun, count: number): Promise<number> {
  const deadline = performance.now() + OPEN_WAIT_MS;
  let open = 0;
  while (performance.now() < deadline) {
    open = run.monitor.status().filter((s) => s.state === 'open').length;
    if (open >= count) break;
    await sleep(500);
  }
  return open;
}

export async function runScale(streams: number, idleSeconds: number): Promise<Figure[]> {
  const figures: Figure[] = [];
  const servers: LabProcess[] = [];
  let run: MonitoredRun | undefined;
  const gcNote = (globalThis as { gc?: unknown }).gc ? 'after forced GC' : 'no --expose-gc: without forced GC';
  const mixNote = 'mix sse/websocket/grpc/mcp 1:1:1:1, added 100 per second';
  try {
    // Phase 1, idle streams at a 30 s heartbeat (client and server): memory per stream and CPU.
    const idleServers = await startServers(30_000);
    servers.push(...idleServers.values());
    // Warm everything up (module loading, JIT) with a handful of streams, then take the baseline.
    const warm = startMonitored(endpoints(idleServers, 8, 30, 'warm'), { keepEvents: false });
    await waitOpen(warm, 8);
    warm.dispose();
    await sleep(1000);
    gc();
    const before = memory();
    run = startMonitored([], { keepEvents: false });
    await run.ramp(endpoints(idleServers, streams, 30, 'idle'), RAMP_BATCH, RAMP_EVERY_MS);
    const openIdle = await waitOpen(run, streams);
    await sleep(SETTLE_MS);
    gc();
    const after = memory();
    figures.push({
      id: 'scale.memoryPerStream',
      item: 4,
      label: `memory per stream (RSS), ${streams} mixed streams`,
      value: round((after.rss - before.rss) / streams / 1024, 1),
      unit: 'KiB',
      target: { op: '<=', value: 64 },
      note: `JS heap + external ${round((after.js - before.js) / streams / 1024, 1)} KiB/stream; ${openIdle}/${streams} open; ${gcNote}; ${mixNote}`,
    });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(idleSeconds * 1000);
    const cpu = process.cpuUsage(cpu0);
    const elapsed = performance.now() - t0;
    figures.push({
      id: 'scale.idleCpuPercent',
      item: 4,
      label: `CPU, ${streams} idle streams at 30 s heartbeat`,
      value: round(((cpu.user + cpu.system) / 1000 / elapsed) * 100, 2),
      unit: '% core',
      target: { op: '<=', value: 2 },
      note: `${round((cpu.user + cpu.system) / 1000)} ms CPU over ${round(elapsed / 1000, 1)} s; ${run.monitor.status().filter((st) => st.state === 'open').length}/${streams} open at the end`,
    });
    run.dispose();
    run = undefined;
    await Promise.allSettled(servers.splice(0).map((p) => p.stop()));

    // Phase 2, every stream heartbeating each second (client probes and server heartbeats at 1 s).
    const busyServers = await startServers(1000);
    servers.push(...busyServers.values());
    run = startMonitored([], { keepEvents: false });
    await run.ramp(endpoints(busyServers, streams, 1, 'busy'), RAMP_BATCH, RAMP_EVERY_MS);
    const openBusy = await waitOpen(run, streams);
    await sleep(SETTLE_MS);
    // 1 ms resolution: each sample is the timer's lateness plus at most ~1 ms.
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    const activity0 = [...run.activity.values()].reduce((a, c) => a + c.count, 0);
    const busyCpu0 = process.cpuUsage();
    histogram.enable();
    await sleep(DELAY_WINDOW_MS);
    histogram.disable();
    const busyCpu = process.cpuUsage(busyCpu0);
    const activity = [...run.activity.values()].reduce((a, c) => a + c.count, 0) - activity0;
    const perKind = MIX.map((m) => {
      const mine = run!.monitor.status().filter((st) => st.kind === m.kind);
      const drops = run!.events.filter((e) => e.event.event === 'drop' && e.event.endpoint.startsWith(`busy-${m.kind}-`)).length;
      return `${m.kind} ${mine.filter((st) => st.state === 'open').length}/${mine.length} open, ${drops} drops`;
    }).join('; ');
    figures.push({
      id: 'scale.eventLoopDelayP99',
      item: 4,
      label: `event-loop delay p99, ${streams} streams at 1 s heartbeat`,
      value: round(histogram.percentile(99) / 1e6, 1),
      unit: 'ms',
      target: { op: '<=', value: 20 },
      note: `p50 ${round(histogram.percentile(50) / 1e6, 1)} ms, max ${round(histogram.max / 1e6, 1)} ms over ${DELAY_WINDOW_MS / 1000} s; CPU ${round(((busyCpu.user + busyCpu.system) / 1000 / DELAY_WINDOW_MS) * 100, 1)} % core; ${Math.round(activity / (DELAY_WINDOW_MS / 1000))} inbound activities/s; ${openBusy}/${streams} open after the ramp; since start: ${perKind}`,
    });
    return figures;
  } finally {
    run?.dispose();
    await Promise.allSettled(servers.map((p) => p.stop()));
  }
}

if (import.meta.main) {
  const figures = await runScale(numberArg('--streams', 1000), numberArg('--idle-seconds', 60));
  process.stdout.write(`${JSON.stringify({ figures })}\n`);
  process.exit(0);
}
