// Scale: N mixed streams (1:1:1:1 SSE / WebSocket / gRPC / MCP v1) in one process, monitored and with the
// bare libraries (the baseline), each side in a child process of its own, alternately, against fresh lab
// servers (child processes too, one per 1,250 streams of a kind) with 30 s heartbeats both ways: memory
// per stream, idle CPU, time to open all, event-loop delay p99 and drops, at each count (1,000 and
// 10,000 by default), and the per-stream slope between the smallest and the largest count. Then, with
// --per-kind N, each kind alone (N streams of it): memory and idle CPU monitored / raw, what the mix hides.
// Run alone: node bench/scale.ts [--streams 1000,10000] [--idle-seconds S] [--delay-seconds S]
//   [--mix sse,websocket,grpc,mcp] [--heartbeat-seconds S] [--per-kind N] (--streams none: that pass alone);
//   prints {"figures":[...]} last.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnLabServer } from '../src/lab/process.ts';
import type { LabProcess } from '../src/lab/types.ts';
import { numberArg } from './lib/args.ts';
import type { Figure } from './lib/figures.ts';
import { LAB_SERVERS } from './lib/labServers.ts';
import type { RawKind } from './lib/raw.ts';
import type { ScaleChildPlan, ScaleChildResult } from './lib/scaleChild.ts';
import { round } from './lib/stats.ts';

const CHILD_ENTRY = fileURLToPath(new URL('./lib/scaleChild.ts', import.meta.url));
/** Client and server heartbeats, both sides; `--heartbeat-seconds` changes it (quick runs). */
const DEFAULT_HEARTBEAT_SECONDS = 30;
/** Streams of one kind per server process: the MCP v1 lab server keeps at most 2,000 sessions. */
const STREAMS_PER_SERVER = 1250;
/** Added 250 at a time, 4 batches a second: fast enough that the clients, not the ramp, set the pace. */
const RAMP_BATCH = 250;
const RAMP_EVERY_MS = 250;
const SETTLE_MS = 5000;
/** One descriptor per stream, one more per MCP stream (its POST connection), plus the process's own. */
const FDS_SPARE = 500;
const CHILD_SPARE_MS = 60_000;

const ALL_KINDS = Object.keys(LAB_SERVERS) as RawKind[];

export interface ScaleOptions {
  /** Stream counts, smallest first; the slope is taken between the first and the last. */
  readonly counts: readonly number[];
  readonly idleSeconds: number;
  readonly delaySeconds: number;
  readonly mix: readonly RawKind[];
  readonly heartbeatSeconds: number;
  /** Streams of each kind in the per-kind pass (each kind of `mix` alone); 0 = no such pass. */
  readonly perKind: number;
}

function hardFdLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const hard = line?.split(/\s+/)[4];
  return hard === 'unlimited' ? Number.POSITIVE_INFINITY : Number(hard);
}

async function startServers(count: number, mix: readonly RawKind[], heartbeatSeconds: number): Promise<{ processes: LabProcess[]; urls: Partial<Record<RawKind, string[]>> }> {
  const processes: LabProcess[] = [];
  const urls: Partial<Record<RawKind, string[]>> = {};
  try {
    await Promise.all(
      mix.map(async (kind) => {
        const perKind = Math.ceil(count / mix.length);
        const servers = Math.max(1, Math.ceil(perKind / STREAMS_PER_SERVER));
        const spec = LAB_SERVERS[kind];
        for (let i = 0; i < servers; i++) {
          const p = await spawnLabServer(spec.server, spec.options(heartbeatSeconds * 1000));
          processes.push(p);
          (urls[kind] ??= []).push(p.url);
        }
      }),
    );
  } catch (error) {
    await Promise.allSettled(processes.map((p) => p.stop()));
    throw error;
  }
  return { processes, urls };
}

/** Runs one side in its own process, with the descriptor limit raised to the hard limit; bounded in time. */
function runChild(plan: ScaleChildPlan): Promise<ScaleChildResult> {
  const timeoutMs = plan.openWaitMs + plan.settleMs + (plan.idleSeconds + plan.delaySeconds) * 1000 + CHILD_SPARE_MS;
  return new Promise((resolve, reject) => {
    const script = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"';
    const child = spawn('bash', ['-c', script, process.execPath, '--expose-gc', CHILD_ENTRY, JSON.stringify(plan)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ScaleChildResult);
      } catch {
        const why = signal === 'SIGKILL' ? `timed out after ${timeoutMs / 1000} s` : `exited ${code ?? signal}`;
        reject(new Error(`${plan.mode} ${plan.streams}: ${why}: ${stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 300)}`));
      }
    });
  });
}

interface Pair {
  readonly count: number;
  readonly monitored: ScaleChildResult;
  readonly raw: ScaleChildResult;
  /** Every server process still running when its side finished (so a drop was the client's doing). */
  readonly serversHealthy: boolean;
}

async function measure(count: number, mode: ScaleChildPlan['mode'], options: Pick<ScaleOptions, 'mix' | 'heartbeatSeconds' | 'idleSeconds' | 'delaySeconds'>): Promise<{ result: ScaleChildResult; healthy: boolean }> {
  const { processes, urls } = await startServers(count, options.mix, options.heartbeatSeconds);
  try {
    const plan: ScaleChildPlan = {
      mode,
      streams: count,
      mix: options.mix,
      urls,
      heartbeatSeconds: options.heartbeatSeconds,
      rampBatch: RAMP_BATCH,
      rampEveryMs: RAMP_EVERY_MS,
      // The ramp itself plus up to 10 ms a stream: bounded, and generous on a loaded machine.
      openWaitMs: 20_000 + count * 10,
      settleMs: SETTLE_MS,
      idleSeconds: options.idleSeconds,
      delaySeconds: options.delaySeconds,
    };
    const result = await runChild(plan);
    // A lab process that exited is not healthy; `pid` stays, so ask the kernel (signal 0).
    const healthy = processes.every((p) => {
      try {
        return process.kill(p.pid, 0);
      } catch {
        return false;
      }
    });
    return { result, healthy };
  } finally {
    await Promise.allSettled(processes.map((p) => p.stop()));
  }
}

const kib = (bytes: number): number => round(bytes / 1024, 1);
const seconds = (ms: number | null): string => (ms === null ? 'not all' : `${round(ms / 1000, 1)} s`);
const sum = (counts: Readonly<Record<string, number>>): number => Object.values(counts).reduce((a, b) => a + b, 0);
const perKind = (counts: Readonly<Record<string, number>>): string =>
  Object.keys(counts).length === 0
    ? 'none'
    : Object.entries(counts)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
/** CPU per stream, µs of CPU per second of wall time (1 µs/s per stream = 0.1 % of a core per 1,000 streams). */
const cpuPerStream = (r: ScaleChildResult): number => (r.idleCpuPercent / 100) * 1e6 / r.streams;

function pairFigures(p: Pair, mixNote: string, heartbeatSeconds: number): Figure[] {
  const { count: n, monitored: m, raw: r } = p;
  const at = `at ${heartbeatSeconds} s`;
  const sides = `monitored ${m.opened}/${n} opened, raw ${r.opened}/${n}`;
  return [
    {
      id: `scale.${n}.memoryRatio`,
      item: 4,
      label: `memory per stream monitored / raw, ${n} streams`,
      value: round(m.rssPerStreamBytes / r.rssPerStreamBytes, 2),
      unit: '',
      target: { op: '<=', value: 1.3 },
      baseline: `raw ${kib(r.rssPerStreamBytes)} KiB vs monitored ${kib(m.rssPerStreamBytes)} KiB RSS per stream`,
      note: `JS heap + external: raw ${kib(r.jsPerStreamBytes)}, monitored ${kib(m.jsPerStreamBytes)} KiB/stream; after forced GC; ${sides}; ${mixNote}`,
    },
    {
      id: `scale.${n}.idleCpuRatio`,
      item: 4,
      label: `idle CPU monitored / raw, ${n} streams ${at}`,
      value: round(m.idleCpuPercent / r.idleCpuPercent, 2),
      unit: '',
      target: { op: '<=', value: 1.3 },
      baseline: `raw ${round(r.idleCpuPercent, 2)} % vs monitored ${round(m.idleCpuPercent, 2)} % of a core`,
      note: `${round(cpuPerStream(r), 1)} vs ${round(cpuPerStream(m), 1)} µs CPU per second per stream; over ${round(m.idleSeconds)} s (monitored) and ${round(r.idleSeconds)} s (raw); heartbeats ${heartbeatSeconds} s both ways`,
    },
    {
      id: `scale.${n}.open`,
      item: 4,
      label: `streams open, ${n} monitored`,
      value: m.opened,
      unit: '',
      target: { op: '>=', value: n },
      baseline: `raw ${r.opened}/${n}`,
      note: `time to open all: monitored ${seconds(m.openAllMs)}, raw ${seconds(r.openAllMs)} (added ${RAMP_BATCH} every ${RAMP_EVERY_MS} ms); open at the end: monitored ${m.openAtEnd}, raw ${r.openAtEnd}; fd limit ${m.fdLimit}`,
    },
    {
      id: `scale.${n}.openSeconds`,
      item: 4,
      label: `time to open all ${n} streams, monitored`,
      value: m.openAllMs === null ? null : round(m.openAllMs / 1000, 1),
      unit: 's',
      baseline: `raw ${seconds(r.openAllMs)}`,
      note: m.openAllMs !== null && r.openAllMs !== null ? `monitored / raw = ${round(m.openAllMs / r.openAllMs, 2)}; from the first stream added to the last open` : 'not all streams opened in time',
    },
    {
      id: `scale.${n}.eventLoopDelayP99`,
      item: 4,
      label: `event-loop delay p99, ${n} streams ${at}`,
      value: round(m.delayP99Ms, 1),
      unit: 'ms',
      target: { op: '<=', value: 20 },
      baseline: `raw p99 ${round(r.delayP99Ms, 1)} ms`,
      note: `monitored p50 ${round(m.delayP50Ms, 1)} ms, max ${round(m.delayMaxMs, 1)} ms (raw max ${round(r.delayMaxMs, 1)} ms) over ${m.delaySeconds} s after the idle-CPU window (1 ms timer: lateness + ~1 ms)`,
    },
    {
      id: `scale.${n}.monitorDrops`,
      item: 4,
      label: `drops caused by the monitor, ${n} streams`,
      value: p.serversHealthy ? sum(m.drops) : null,
      unit: '',
      target: { op: '<=', value: 0 },
      baseline: `raw streams that ended: ${sum(r.drops)} (${perKind(r.drops)})${Object.keys(r.endReasons).length ? `; raw end reasons: ${perKind(r.endReasons)}` : ''}`,
      note: `${p.serversHealthy ? 'every server process ran throughout' : 'a server process died: drops not attributable'}; monitored drops ${perKind(m.drops)}, error events ${m.errors}${Object.keys(m.endReasons).length ? ` (${perKind(m.endReasons)})` : ''}; from the first stream added to the end`,
    },
  ];
}

function slopeFigures(small: Pair, large: Pair): Figure[] {
  const span = large.count - small.count;
  const slope = (f: (r: ScaleChildResult) => number, side: 'monitored' | 'raw'): number => (f(large[side]) * large.count - f(small[side]) * small.count) / span;
  const rss = (r: ScaleChildResult): number => r.rssPerStreamBytes;
  const rssM = slope(rss, 'monitored');
  const rssR = slope(rss, 'raw');
  const cpuM = slope(cpuPerStream, 'monitored');
  const cpuR = slope(cpuPerStream, 'raw');
  const between = `(X${large.count} - X${small.count}) / ${span}, X = the process total`;
  return [
    {
      id: 'scale.slope.rss',
      item: 4,
      label: `marginal RSS per stream, ${small.count} -> ${large.count}`,
      value: kib(rssM),
      unit: 'KiB',
      baseline: `raw ${kib(rssR)} KiB`,
      note: `monitored / raw = ${round(rssM / rssR, 2)}; ${between}`,
    },
    {
      id: 'scale.slope.cpu',
      item: 4,
      label: `marginal idle CPU per stream, ${small.count} -> ${large.count}`,
      value: round(cpuM, 1),
      unit: 'µs/s',
      baseline: `raw ${round(cpuR, 1)} µs/s`,
      note: `monitored / raw = ${round(cpuM / cpuR, 2)}; µs of CPU per second per stream (10 µs/s = 1 % of a core per 1,000 streams); ${between}`,
    },
  ];
}

/** Both sides at one count, `first` first (alternated by the callers so a load change favours neither). */
async function measurePair(count: number, first: ScaleChildPlan['mode'], options: Pick<ScaleOptions, 'mix' | 'heartbeatSeconds' | 'idleSeconds' | 'delaySeconds'>): Promise<Pair> {
  const order: ScaleChildPlan['mode'][] = first === 'monitored' ? ['monitored', 'raw'] : ['raw', 'monitored'];
  const done: Partial<Record<ScaleChildPlan['mode'], { result: ScaleChildResult; healthy: boolean }>> = {};
  for (const mode of order) {
    process.stderr.write(`scale: ${mode} ${count} ${options.mix.join('/')}...\n`);
    done[mode] = await measure(count, mode, options);
  }
  return { count, monitored: done.monitored!.result, raw: done.raw!.result, serversHealthy: done.monitored!.healthy };
}

/** One kind alone: memory and idle CPU, monitored / raw, without a target (see bench/README.md section 4). */
function kindFigures(kind: RawKind, p: Pair, heartbeatSeconds: number): Figure[] {
  const { count: n, monitored: m, raw: r } = p;
  const opened = `monitored ${m.opened}/${n} opened, raw ${r.opened}/${n}`;
  return [
    {
      id: `scale.kind.${kind}.memoryRatio`,
      item: 4,
      label: `memory per stream monitored / raw, ${n} ${kind} streams alone`,
      value: round(m.rssPerStreamBytes / r.rssPerStreamBytes, 2),
      unit: '',
      baseline: `raw ${kib(r.rssPerStreamBytes)} KiB vs monitored ${kib(m.rssPerStreamBytes)} KiB RSS per stream`,
      note: `JS heap + external: raw ${kib(r.jsPerStreamBytes)}, monitored ${kib(m.jsPerStreamBytes)} KiB/stream (monitored / raw ${round(m.jsPerStreamBytes / r.jsPerStreamBytes, 2)}); ${opened}`,
    },
    {
      id: `scale.kind.${kind}.idleCpuRatio`,
      item: 4,
      label: `idle CPU monitored / raw, ${n} ${kind} streams alone at ${heartbeatSeconds} s`,
      value: round(m.idleCpuPercent / r.idleCpuPercent, 2),
      unit: '',
      baseline: `raw ${round(cpuPerStream(r), 1)} vs monitored ${round(cpuPerStream(m), 1)} µs CPU per second per stream`,
      note: `${round(r.idleCpuPercent, 2)} vs ${round(m.idleCpuPercent, 2)} % of a core over ${round(m.idleSeconds)} s; heartbeats ${heartbeatSeconds} s both ways`,
    },
  ];
}

export async function runScale(options: ScaleOptions): Promise<Figure[]> {
  const largest = Math.max(0, ...options.counts);
  const mcpShare = options.mix.filter((k) => k === 'mcp').length / options.mix.length;
  const needed = Math.max(Math.ceil(largest * (1 + mcpShare)), options.perKind * 2) + FDS_SPARE;
  const limit = hardFdLimit();
  if (limit < needed) throw new Error(`${Math.max(largest, options.perKind)} streams need up to ${needed} file descriptors but the hard limit is ${limit}; raise it (ulimit -Hn, /etc/security/limits.conf) or pass a smaller --streams`);
  const mixNote = `mix ${options.mix.join('/')} ${options.mix.map(() => 1).join(':')}`;
  const figures: Figure[] = [];
  const pairs: Pair[] = [];
  for (const [i, count] of options.counts.entries()) {
    // Alternate which side goes first, so a load change during the run does not always favour one side.
    const pair = await measurePair(count, i % 2 === 0 ? 'monitored' : 'raw', options);
    pairs.push(pair);
    figures.push(...pairFigures(pair, mixNote, options.heartbeatSeconds));
  }
  if (pairs.length >= 2) figures.push(...slopeFigures(pairs[0]!, pairs.at(-1)!));
  if (options.perKind > 0) {
    // Only memory and idle CPU are reported per kind, so the event-loop window is skipped.
    for (const [i, kind] of options.mix.entries()) {
      const pair = await measurePair(options.perKind, i % 2 === 0 ? 'monitored' : 'raw', { ...options, mix: [kind], delaySeconds: 0 });
      figures.push(...kindFigures(kind, pair, options.heartbeatSeconds));
    }
  }
  return figures;
}

function listArg(flag: string, fallback: string): string[] {
  const i = process.argv.indexOf(flag);
  return (i > 0 ? (process.argv[i + 1] ?? fallback) : fallback).split(',').filter(Boolean);
}

if (import.meta.main) {
  const counts = listArg('--streams', '1000,10000')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);
  const mix = listArg('--mix', ALL_KINDS.join(','));
  const unknown = mix.filter((k) => !ALL_KINDS.includes(k as RawKind));
  const perKind = numberArg('--per-kind', 0);
  // `--streams none --per-kind N`: the per-kind pass alone.
  const noMixed = listArg('--streams', '').join(',') === 'none';
  if ((counts.length === 0 && !(noMixed && perKind > 0)) || unknown.length > 0) {
    process.stderr.write(`scale: --streams takes counts like 1000,10000 (or none, with --per-kind N); --mix takes ${ALL_KINDS.join(',')}${unknown.length ? ` (not: ${unknown.join(',')})` : ''}\n`);
    process.exit(2);
  }
  const figures = await runScale({
    counts,
    mix: mix as RawKind[],
    heartbeatSeconds: numberArg('--heartbeat-seconds', DEFAULT_HEARTBEAT_SECONDS),
    idleSeconds: numberArg('--idle-seconds', 30),
    delaySeconds: numberArg('--delay-seconds', 15),
    perKind,
  });
  process.stdout.write(`${JSON.stringify({ figures })}\n`);
  process.exit(0);
}
