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

type EndpointKind = 'sse' | 'websocket' | 'grpc' | 'mcp';
const MIX: ReadonlyArray<{ kind: EndpointKind; server: LabServerKind; beat: (ms: number) => Record<string, number> }> = [
  { kind: 'sse', server: 'sse', beat: (ms) => ({ heartbeatMs: ms }) },
  { kind: 'websocket', server: 'websocket', beat: (ms) => ({ pingMs: ms }) },
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
  const busyServers = await startServers(1000);
  let idleServers: Map<EndpointKind, LabProcess> | undefined;
  let run: MonitoredRun | undefined;
  const gcNote = (globalThis as { gc?: unknown }).gc ? 'after forced GC' : 'no --expose-gc: without forced GC';
  try {
    // Warm everything up (module loading, JIT) with a handful of streams, then take the baseline.
    const warm = startMonitored(endpoints(busyServers, 8, 1, 'warm'), { keepEvents: false });
    await waitOpen(warm, 8);
    warm.dispose();
    await sleep(1000);
    gc();
    const before = memory();

    // Phase A: every stream heartbeating each second (client probes 1 s, server heartbeats 1 s).
    run = startMonitored(endpoints(busyServers, streams, 1, 'busy'), { keepEvents: false });
    const openA = await waitOpen(run, streams);
    await sleep(SETTLE_MS);
    gc();
    const after = memory();
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const heartbeats0 = [...run.activity.values()].reduce((a, c) => a + c.count, 0);
    await sleep(DELAY_WINDOW_MS);
    histogram.disable();
    const heartbeats = [...run.activity.values()].reduce((a, c) => a + c.count, 0) - heartbeats0;
    const p99 = histogram.percentile(99) / 1e6;
    const dropsA = run.events.filter((e) => e.event.event === 'drop').length;
    const rssPer = (after.rss - before.rss) / streams / 1024;
    const jsPer = (after.js - before.js) / streams / 1024;
    figures.push({
      id: 'scale.memoryPerStream',
      item: 4,
      label: `memory per stream (RSS), ${streams} mixed streams`,
      value: round(rssPer, 1),
      unit: 'KiB',
      target: { op: '<=', value: 64 },
      note: `JS heap + external ${round(jsPer, 1)} KiB/stream; ${openA}/${streams} open; ${gcNote}; mix sse/websocket/grpc/mcp 1:1:1:1`,
    });
    figures.push({
      id: 'scale.eventLoopDelayP99',
      item: 4,
      label: `event-loop delay p99, ${streams} streams at 1 s heartbeat`,
      value: round(p99, 1),
      unit: 'ms',
      target: { op: '<=', value: 20 },
      note: `max ${round(histogram.max / 1e6, 1)} ms over ${DELAY_WINDOW_MS / 1000} s; ${Math.round(heartbeats / (DELAY_WINDOW_MS / 1000))} inbound activities/s; ${dropsA} drops during the run`,
    });
    run.dispose();
    run = undefined;
    await Promise.allSettled([...busyServers.values()].map((s) => s.stop()));
    busyServers.clear();

    // Phase B: the same number of idle streams at a 30 s heartbeat.
    idleServers = await startServers(30_000);
    run = startMonitored(endpoints(idleServers, streams, 30, 'idle'), { keepEvents: false });
    const openB = await waitOpen(run, streams);
    await sleep(SETTLE_MS);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(idleSeconds * 1000);
    const cpu = process.cpuUsage(cpu0);
    const elapsed = performance.now() - t0;
    const percent = ((cpu.user + cpu.system) / 1000 / elapsed) * 100;
    figures.push({
      id: 'scale.idleCpuPercent',
      item: 4,
      label: `CPU, ${streams} idle streams at 30 s heartbeat`,
      value: round(percent, 2),
      unit: '% core',
      target: { op: '<=', value: 2 },
      note: `${round((cpu.user + cpu.system) / 1000)} ms CPU over ${round(elapsed / 1000, 1)} s; ${openB}/${streams} open`,
    });
    return figures;
  } finally {
    run?.dispose();
    await Promise.allSettled([...busyServers.values(), ...(idleServers?.values() ?? [])].map((s) => s.stop()));
  }
}

if (import.meta.main) {
  const figures = await runScale(numberArg('--streams', 1000), numberArg('--idle-seconds', 60));
  process.stdout.write(`${JSON.stringify({ figures })}\n`);
  process.exit(0);
}
