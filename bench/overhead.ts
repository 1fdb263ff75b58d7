// Message throughput through a monitored stream vs the raw client on the same server and
// payload (ws, SSE over undici, gRPC, MCP v1 vs the MCP SDK client), and client CPU time per message. Servers run in child processes
// and send a burst of N messages on connect, so only the client side is measured in this process.
// Many short paired rounds, not a few long ones: on the 2-core machine the same raw client's rate moves
// by 10-30 % from one connection to the next however long the burst, so the figure is the median of
// many paired ratios, given with its interval and with the raw client measured against itself (A/A).
// Run alone: node bench/overhead.ts [--messages N] [--grpc-messages N] [--mcp-messages N] [--rounds R] [--kinds sse,mcp];
// prints one JSON line {"figures":[...]}. OVERHEAD_DUMP=1 also writes every round's rates and CPU to stderr.

import { spawnLabServer } from '../src/lab/process.ts';
import type { LabProcess } from '../src/lab/types.ts';
import { numberArg } from './lib/args.ts';
import type { Figure } from './lib/figures.ts';
import { counterFor, startMonitored } from './lib/monitored.ts';
import { OPEN_RAW, type RawKind } from './lib/raw.ts';
import { median, medianInterval, round } from './lib/stats.ts';

const PAYLOAD_BYTES = 256;
const RUN_TIMEOUT_MS = 60_000;

interface Measured {
  /** Messages per second between the first and the last message. */
  readonly rate: number;
  /** Client CPU (user + system) per message, microseconds, over the same span (setup is not per message). */
  readonly cpuUsPerMessage: number;
}

/** Times a client from its start to the N-th message; `start` calls `onMessage` per message. */
function measure(count: number, start: (onMessage: () => void) => () => void): Promise<Measured> {
  return new Promise((resolve, reject) => {
    let cpu0 = process.cpuUsage();
    let received = 0;
    let firstAt = 0;
    let stop: () => void = () => {};
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`only ${received}/${count} messages within ${RUN_TIMEOUT_MS} ms`));
    }, RUN_TIMEOUT_MS);
    stop = start(() => {
      received++;
      if (received === 1) {
        firstAt = performance.now();
        cpu0 = process.cpuUsage();
      }
      if (received !== count) return;
      const elapsed = performance.now() - firstAt;
      const cpu = process.cpuUsage(cpu0);
      clearTimeout(timer);
      stop();
      resolve({ rate: (count - 1) / (elapsed / 1000), cpuUsPerMessage: (cpu.user + cpu.system) / (count - 1) });
    });
  });
}

/** The bare-library client of bench/lib/raw.ts (the same ones the scale benchmark uses), counting messages. */
function raw(kind: RawKind, url: string) {
  return (onMessage: () => void) => {
    const stream = OPEN_RAW[kind](url, { onMessage });
    return () => stream.close();
  };
}

let monitoredSeq = 0;
function monitored(kind: RawKind, url: string) {
  return (onMessage: () => void) => {
    const name = `overhead-${kind}-${++monitoredSeq}`;
    const run = startMonitored([{ name, kind, url, heartbeatSeconds: 30, idleTimeoutSeconds: 90 }], { keepEvents: false, stampActivity: false });
    counterFor(run.activity, name).onActivity = onMessage;
    return () => run.dispose();
  };
}

/** Paired rounds per kind: gRPC's rate moves most between connections (A/A spread ~0.3), so it gets the most. */
export const DEFAULT_ROUNDS: Readonly<Record<RawKind, number>> = { websocket: 101, sse: 101, grpc: 201, mcp: 41 };

export interface OverheadOptions {
  /** Messages per burst for WebSocket and SSE. */
  readonly messages: number;
  /** gRPC bursts are smaller: grpc-js delivers ~150k msg/s against ~1M for ws and SSE. */
  readonly grpcMessages: number;
  /** MCP bursts are smaller because the MCP SDK client (its baseline) takes ~10x longer per message. */
  readonly mcpMessages: number;
  /** Paired rounds for every kind (development runs); DEFAULT_ROUNDS otherwise. */
  readonly rounds?: number;
  /** The kinds to measure (development runs); all by default. */
  readonly only?: readonly RawKind[];
}

function spread(values: readonly number[]): string {
  const interval = medianInterval(values);
  return interval ? `95 % interval ${round(interval.low, 3)}-${round(interval.high, 3)}` : 'too few for an interval';
}

/**
 * The raw client against itself: raw runs taken in disjoint pairs (each run in one pair only, so the
 * ratios are independent), later over earlier and earlier over later in turn, as the monitored/raw pairs
 * alternate which side goes first (so a drift across the run does not bias the control).
 */
function aaRatios(rawRuns: readonly Measured[]): number[] {
  const ratios: number[] = [];
  for (let i = 0; i + 1 < rawRuns.length; i += 2) {
    const [a, b] = [rawRuns[i]!.rate, rawRuns[i + 1]!.rate];
    ratios.push((i / 2) % 2 === 0 ? b / a : a / b);
  }
  return ratios;
}

export async function runOverhead(options: OverheadOptions): Promise<Figure[]> {
  const { messages, grpcMessages, mcpMessages, only } = options;
  const servers: LabProcess[] = [];
  const figures: Figure[] = [];
  try {
    const cases = [
      { kind: 'websocket' as const, label: 'ws', server: await spawnLabServer('websocket', { burstOnConnect: messages, messagePayloadBytes: PAYLOAD_BYTES }), messages, what: `of ${PAYLOAD_BYTES} B, written in corked batches of 64` },
      { kind: 'sse' as const, label: 'SSE over undici', server: await spawnLabServer('sse', { burstOnConnect: messages, eventPayloadBytes: PAYLOAD_BYTES }), messages, what: `of ${PAYLOAD_BYTES} B` },
      { kind: 'grpc' as const, label: 'gRPC (grpc-js)', server: await spawnLabServer('grpc', { burstOnConnect: grpcMessages }), messages: grpcMessages, what: '(health status messages)' },
      {
        kind: 'mcp' as const,
        label: 'MCP v1 Streamable HTTP (vs the MCP SDK client)',
        server: await spawnLabServer('mcp-v1', { burstOnConnect: mcpMessages, messagePayloadBytes: PAYLOAD_BYTES }),
        messages: mcpMessages,
        what: `(notifications/message with ${PAYLOAD_BYTES} B of data, on the GET stream)`,
      },
    ];
    servers.push(...cases.map((c) => c.server));
    for (const c of cases) {
      if (only && !only.includes(c.kind)) continue;
      const count = c.messages;
      const rounds = options.rounds ?? DEFAULT_ROUNDS[c.kind];
      const rawRuns: Measured[] = [];
      const mon: Measured[] = [];
      // Warm-up (JIT, module loading), then alternate, swapping which side goes first each round, so
      // drift and the other tenants' load affect both sides alike.
      await measure(count, raw(c.kind, c.server.url));
      await measure(count, monitored(c.kind, c.server.url));
      for (let r = 0; r < rounds; r++) {
        if (r % 2 === 0) rawRuns.push(await measure(count, raw(c.kind, c.server.url)));
        mon.push(await measure(count, monitored(c.kind, c.server.url)));
        if (r % 2 === 1) rawRuns.push(await measure(count, raw(c.kind, c.server.url)));
      }
      // Per-round ratios, each against the raw run next to it; the figure is their median.
      const ratios = mon.map((m, i) => m.rate / rawRuns[i]!.rate);
      // The same measure with the raw client on both sides: how far this machine moves a ratio that should be 1.
      if (process.env.OVERHEAD_DUMP) process.stderr.write(`${JSON.stringify({ kind: c.kind, raw: rawRuns.map((m) => Math.round(m.rate)), mon: mon.map((m) => Math.round(m.rate)), rawCpu: rawRuns.map((m) => round(m.cpuUsPerMessage, 2)), monCpu: mon.map((m) => round(m.cpuUsPerMessage, 2)) })}\n`);
      const aa = aaRatios(rawRuns);
      const rawRate = median(rawRuns.map((m) => m.rate));
      const monRate = median(mon.map((m) => m.rate));
      const rawCpu = median(rawRuns.map((m) => m.cpuUsPerMessage));
      const monCpu = median(mon.map((m) => m.cpuUsPerMessage));
      figures.push({
        id: `overhead.${c.kind}.throughput`,
        item: 3,
        label: `throughput monitored / raw, ${c.label}`,
        value: round(median(ratios), 3),
        unit: '',
        target: { op: '>=', value: 0.95 },
        baseline: `raw ${Math.round(rawRate)} msg/s vs monitored ${Math.round(monRate)} msg/s`,
        note: `${count} msgs ${c.what}, median of ${rounds} paired rounds (${spread(ratios)}; single rounds ${round(Math.min(...ratios), 2)}-${round(Math.max(...ratios), 2)})`,
      });
      if (aa.length > 0) {
        figures.push({
          id: `overhead.${c.kind}.aa`,
          item: 3,
          label: `throughput raw / raw (A/A control), ${c.label}`,
          value: round(median(aa), 3),
          unit: '',
          baseline: 'raw rounds in disjoint pairs, the order alternating: the noise of the measure',
          note: `${aa.length} pairs (${spread(aa)}; single pairs ${round(Math.min(...aa), 2)}-${round(Math.max(...aa), 2)})`,
        });
      }
      figures.push({
        id: `overhead.${c.kind}.cpu`,
        item: 3,
        label: `client CPU per message, ${c.label}`,
        value: round(monCpu, 2),
        unit: 'µs',
        baseline: `raw ${round(rawCpu, 2)} µs/msg`,
        note: `monitored / raw = ${round(monCpu / rawCpu, 2)} (medians)`,
      });
    }
    return figures;
  } finally {
    await Promise.allSettled(servers.map((s) => s.stop()));
  }
}

if (import.meta.main) {
  const kindsAt = process.argv.indexOf('--kinds');
  const only = kindsAt > 0 ? (process.argv[kindsAt + 1]!.split(',') as RawKind[]) : undefined;
  const rounds = process.argv.includes('--rounds') ? numberArg('--rounds', 1) : undefined;
  const figures = await runOverhead({
    messages: numberArg('--messages', 100_000),
    grpcMessages: numberArg('--grpc-messages', 20_000),
    mcpMessages: numberArg('--mcp-messages', 5_000),
    ...(rounds === undefined ? {} : { rounds }),
    ...(only ? { only } : {}),
  });
  process.stdout.write(`${JSON.stringify({ figures })}\n`);
  process.exit(0);
}
