// Message throughput through a monitored stream vs the raw client on the same server and
// payload (ws, SSE over undici, gRPC), and client CPU time per message. Servers run in child processes
// and send a burst of N messages on connect, so only the client side is measured in this process.
// Run alone: node bench/overhead.ts [--messages N] [--rounds R]; prints one JSON line {"figures":[...]}.

import * as grpc from '@grpc/grpc-js';
import { createParser } from 'eventsource-parser';
import { service as healthService } from 'grpc-health-check';
import { request } from 'undici';
import WebSocket from 'ws';
import { spawnLabServer } from '../src/lab/process.ts';
import type { LabProcess } from '../src/lab/types.ts';
import { numberArg } from './lib/args.ts';
import type { Figure } from './lib/figures.ts';
import { counterFor, startMonitored } from './lib/monitored.ts';
import { median, round } from './lib/stats.ts';

const PAYLOAD_BYTES = 256;
const RUN_TIMEOUT_MS = 60_000;

interface Measured {
  /** Messages per second between the first and the last message. */
  readonly rate: number;
  /** Client CPU (user + system) per message, microseconds, from connect to the last message. */
  readonly cpuUsPerMessage: number;
}

/** Times a client from its start to the N-th message; `start` calls `onMessage` per message. */
function measure(count: number, start: (onMessage: () => void) => () => void): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const cpu0 = process.cpuUsage();
    let received = 0;
    let firstAt = 0;
    let stop: () => void = () => {};
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`only ${received}/${count} messages within ${RUN_TIMEOUT_MS} ms`));
    }, RUN_TIMEOUT_MS);
    stop = start(() => {
      received++;
      if (received === 1) firstAt = performance.now();
      if (received !== count) return;
      const elapsed = performance.now() - firstAt;
      const cpu = process.cpuUsage(cpu0);
      clearTimeout(timer);
      stop();
      resolve({ rate: (count - 1) / (elapsed / 1000), cpuUsPerMessage: (cpu.user + cpu.system) / count });
    });
  });
}

function rawWs(url: string) {
  return (onMessage: () => void) => {
    const socket = new WebSocket(url);
    socket.on('message', onMessage);
    socket.on('error', () => {});
    return () => socket.terminate();
  };
}

function rawSse(url: string) {
  return (onMessage: () => void) => {
    const abort = new AbortController();
    const parser = createParser({ onEvent: onMessage });
    void request(url, { signal: abort.signal, bodyTimeout: 0 })
      .then(async ({ body }) => {
        body.setEncoding('utf8');
        for await (const chunk of body) parser.feed(chunk as string);
      })
      .catch(() => {});
    return () => abort.abort();
  };
}

function rawGrpc(url: string) {
  return (onMessage: () => void) => {
    const Health = grpc.makeGenericClientConstructor(healthService as grpc.ServiceDefinition, 'Health');
    const client = new Health(new URL(url).host, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
    const call = (client as unknown as { watch(r: object): grpc.ClientReadableStream<unknown> }).watch({ service: '' });
    call.on('data', onMessage);
    call.on('error', () => {});
    return () => {
      call.cancel();
      client.close();
    };
  };
}

let monitoredSeq = 0;
function monitored(kind: 'websocket' | 'sse' | 'grpc', url: string) {
  return (onMessage: () => void) => {
    const name = `overhead-${kind}-${++monitoredSeq}`;
    const run = startMonitored([{ name, kind, url, heartbeatSeconds: 30, idleTimeoutSeconds: 90 }], { keepEvents: false });
    counterFor(run.activity, name).onActivity = onMessage;
    return () => run.dispose();
  };
}

export async function runOverhead(messages: number, rounds: number): Promise<Figure[]> {
  const servers: LabProcess[] = [];
  const figures: Figure[] = [];
  try {
    const cases = [
      { kind: 'websocket' as const, label: 'ws', server: await spawnLabServer('websocket', { burstOnConnect: messages, messagePayloadBytes: PAYLOAD_BYTES }), raw: rawWs },
      { kind: 'sse' as const, label: 'SSE over undici', server: await spawnLabServer('sse', { burstOnConnect: messages, eventPayloadBytes: PAYLOAD_BYTES }), raw: rawSse },
      { kind: 'grpc' as const, label: 'gRPC (grpc-js)', server: await spawnLabServer('grpc', { burstOnConnect: messages }), raw: rawGrpc },
    ];
    servers.push(...cases.map((c) => c.server));
    for (const c of cases) {
      const raw: Measured[] = [];
      const mon: Measured[] = [];
      // Warm-up (JIT, module loading), then alternate so drift affects both sides alike.
      await measure(messages, c.raw(c.server.url));
      await measure(messages, monitored(c.kind, c.server.url));
      for (let r = 0; r < rounds; r++) {
        raw.push(await measure(messages, c.raw(c.server.url)));
        mon.push(await measure(messages, monitored(c.kind, c.server.url)));
      }
      const rawRate = median(raw.map((m) => m.rate));
      const monRate = median(mon.map((m) => m.rate));
      const rawCpu = median(raw.map((m) => m.cpuUsPerMessage));
      const monCpu = median(mon.map((m) => m.cpuUsPerMessage));
      figures.push({
        id: `overhead.${c.kind}.throughput`,
        item: 3,
        label: `throughput monitored / raw, ${c.label}`,
        value: round(monRate / rawRate, 3),
        unit: '',
        target: { op: '>=', value: 0.9 },
        baseline: `raw ${Math.round(rawRate)} msg/s vs monitored ${Math.round(monRate)} msg/s`,
        note: `${messages} msgs${c.kind === 'grpc' ? ' (health status messages)' : ` of ${PAYLOAD_BYTES} B`}, median of ${rounds} rounds`,
      });
      figures.push({
        id: `overhead.${c.kind}.cpu`,
        item: 3,
        label: `client CPU per message, ${c.label}`,
        value: round(monCpu, 2),
        unit: 'µs',
        baseline: `raw ${round(rawCpu, 2)} µs/msg`,
        note: `monitored / raw = ${round(monCpu / rawCpu, 2)}`,
      });
    }
    return figures;
  } finally {
    await Promise.allSettled(servers.map((s) => s.stop()));
  }
}

if (import.meta.main) {
  const figures = await runOverhead(numberArg('--messages', 20_000), numberArg('--rounds', 3));
  process.stdout.write(`${JSON.stringify({ figures })}\n`);
  process.exit(0);
}
