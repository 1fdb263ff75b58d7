// The memory (JS heap + external) an endpoint's bounded history holds as it fills: heartbeat times (1,000 per direction, what the
// dashboard's timeline lanes draw), round-trip times and MCP POST outcomes, for the soak's shape (200
// endpoints 1:1:1:1 SSE / WebSocket / gRPC / MCP, heartbeats both ways every 10 s, one MCP ping POST
// each). The scale benchmark measures memory in its first minutes, with these rings nearly empty; this
// says what they add later, and until when the soak's heap can keep growing.
// Run alone: node --expose-gc bench/historyHeap.ts [--endpoints N]; prints one JSON line {"figures":[...]}.

import { EndpointHistoryStore, HISTORY_LIMITS } from '../src/core/history.ts';
import type { HeartbeatKind } from '../src/core/events.ts';
import { numberArg } from './lib/args.ts';
import type { Figure } from './lib/figures.ts';
import { forceGc } from './lib/labServers.ts';
import { round } from './lib/stats.ts';

const HEARTBEAT_SECONDS = 10;
const KINDS = ['sse', 'websocket', 'grpc', 'mcp'] as const;
/** Inbound heartbeats per kind, and the client's own (SSE has no client heartbeat). */
const IN: Record<(typeof KINDS)[number], HeartbeatKind> = { sse: 'sse-comment', websocket: 'ws-ping', grpc: 'grpc-message', mcp: 'sse-comment' };
const OUT: Record<(typeof KINDS)[number], HeartbeatKind | undefined> = { sse: undefined, websocket: 'ws-pong', grpc: 'grpc-health-check', mcp: 'mcp-ping' };
/** The minutes at which the heap is read: the soak's warm-up end and its end, then until the rings are full. */
const CHECKPOINTS = [5, 60, 180, 300] as const;

/** JS heap plus external memory: a typed array's backing store past a few dozen bytes is outside the heap. */
function heapBytes(): number {
  forceGc();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

export function runHistoryHeap(endpoints: number): Figure[] {
  if (!(globalThis as { gc?: unknown }).gc) throw new Error('historyHeap needs --expose-gc');
  const before = heapBytes();
  const stores = Array.from({ length: endpoints }, () => new EndpointHistoryStore());
  let at = Date.now();
  let minute = 0;
  const held = new Map<number, number>();
  for (const checkpoint of CHECKPOINTS) {
    for (; minute < checkpoint; minute++) {
      for (let beat = 0; beat < 60 / HEARTBEAT_SECONDS; beat++) {
        at += HEARTBEAT_SECONDS * 1000;
        stores.forEach((store, i) => {
          const kind = KINDS[i % KINDS.length]!;
          store.recordHeartbeat('in', at + i, IN[kind]);
          const out = OUT[kind];
          if (out) store.recordHeartbeat('out', at + i, out, 1 + (i % 7) / 10);
          if (kind === 'mcp') store.recordPost({ at: at + i, what: 'ping', gapMs: HEARTBEAT_SECONDS * 1000 - 10 + (i % 13), status: 200 });
        });
      }
    }
    held.set(checkpoint, heapBytes() - before);
  }
  const perEndpointKiB = (bytes: number) => round(bytes / endpoints / 1024, 1);
  const fullAtMinutes = Math.ceil((HISTORY_LIMITS.heartbeatTimesPerDirection * HEARTBEAT_SECONDS) / 60);
  const mib = (bytes: number) => round(bytes / 2 ** 20, 1);
  return [
    {
      id: 'history.heap.soakGrowth',
      item: 6,
      label: `history heap growth, minute 5 -> 60, ${endpoints} endpoints at ${HEARTBEAT_SECONDS} s`,
      value: mib(held.get(60)! - held.get(5)!),
      unit: 'MiB',
      baseline: 'the soak\'s shape, histories alone (no sockets): what the soak\'s heap can gain from its bounded rings filling',
      note: `then ${mib(held.get(180)! - held.get(60)!)} MiB more until minute 180 and ${mib(held.get(300)! - held.get(180)!)} MiB from 180 to 300 (heartbeat times are full after ${fullAtMinutes} min, POSTs after ${Math.ceil((HISTORY_LIMITS.posts * HEARTBEAT_SECONDS) / 60)})`,
    },
    {
      id: 'history.heap.perEndpointFull',
      item: 6,
      label: 'history heap per endpoint, rings full (mixed kinds)',
      value: perEndpointKiB(held.get(300)!),
      unit: 'KiB',
      baseline: `${HISTORY_LIMITS.heartbeatTimesPerDirection} heartbeat times per direction, ${HISTORY_LIMITS.statsSample} round trips, ${HISTORY_LIMITS.posts} POSTs (MCP); at minute 5: ${perEndpointKiB(held.get(5)!)} KiB`,
      note: 'not in the scale benchmark\'s memory figures, which are read in the first minutes; at 30 s heartbeats the rings fill in about 8 h',
    },
  ];
}

if (import.meta.main) {
  const figures = runHistoryHeap(numberArg('--endpoints', 200));
  process.stdout.write(`${JSON.stringify({ figures })}\n`);
  process.exit(0);
}
