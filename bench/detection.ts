// How fast a silent death (SIGSTOP of the server) is detected with heartbeat 1 s and
// idle window 3 s, how fast the stream is open again after SIGCONT, and what raw clients with their
// defaults (undici fetch, ws, grpc-js, the MCP SDK client) do on the same frozen servers.
// Run alone: node bench/detection.ts [--trials N] ; prints one JSON line {"figures":[...]} last.

import * as grpc from '@grpc/grpc-js';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { service as healthService } from 'grpc-health-check';
import WebSocket from 'ws';
import type { StreamEvent } from '../src/core/events.ts';
import { spawnLabServer } from '../src/lab/process.ts';
import type { LabProcess, LabServerKind } from '../src/lab/types.ts';
import { numberArg } from './lib/args.ts';
import type { Figure } from './lib/figures.ts';
import { startMonitored } from './lib/monitored.ts';
import type { MonitoredRun } from './lib/monitored.ts';
import { median, round, sleep } from './lib/stats.ts';

const HEARTBEAT_S = 1;
const IDLE_S = 3;
const BASELINE_WINDOW_MS = 20_000;
const DROP_WAIT_MS = 15_000;
const OPEN_WAIT_MS = 25_000;

interface KindSpec {
  readonly name: string;
  readonly endpointKind: 'sse' | 'websocket' | 'grpc' | 'mcp';
  readonly server: LabServerKind;
  readonly serverOptions: Record<string, number>;
}

const KINDS: readonly KindSpec[] = [
  { name: 'sse', endpointKind: 'sse', server: 'sse', serverOptions: { heartbeatMs: 1000 } },
  { name: 'websocket', endpointKind: 'websocket', server: 'websocket', serverOptions: { pingMs: 1000 } },
  { name: 'grpc', endpointKind: 'grpc', server: 'grpc', serverOptions: { keepaliveMessageMs: 1000 } },
  { name: 'mcp', endpointKind: 'mcp', server: 'mcp-v1', serverOptions: { heartbeatMs: 1000 } },
];

interface Trial {
  readonly detectionMs: number | null;
  readonly fromSilenceMs: number | null;
  readonly cause?: string;
  readonly recoveryMs: number | null;
  readonly recoveryBoundMs: number | null;
  readonly handshakeMs: number;
}

const isFor = (name: string, event: StreamEvent['event']) => (e: StreamEvent) => e.endpoint === name && e.event === event;

/** Polls (bounded) until the endpoint's session is `open` right now. */
async function waitOpenNow(run: MonitoredRun, name: string): Promise<boolean> {
  const deadline = performance.now() + OPEN_WAIT_MS;
  while (performance.now() < deadline) {
    if (run.monitor.status().some((s) => s.name === name && s.state === 'open')) return true;
    await sleep(50);
  }
  return false;
}

/** Warm handshake: connecting -> open of a few user reconnects on the healthy server. */
async function measureHandshake(name: string, run: MonitoredRun, count: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const since = performance.now();
    run.monitor.reconnect(name);
    const connecting = await run.waitFor(isFor(name, 'connecting'), OPEN_WAIT_MS, since);
    const open = await run.waitFor(isFor(name, 'open'), OPEN_WAIT_MS, since);
    if (connecting && open) samples.push(open.at - connecting.at);
    await sleep(300);
  }
  return median(samples);
}

async function runTrials(spec: KindSpec, server: LabProcess, run: MonitoredRun, trials: number): Promise<Trial[]> {
  const name = spec.name;
  const results: Trial[] = [];
  await waitOpenNow(run, name);
  const handshake = await measureHandshake(name, run, 3);
  for (let i = 0; i < trials; i++) {
    // Steady state: open, and a couple of heartbeats in.
    await waitOpenNow(run, name);
    await sleep(2000 + Math.random() * 1000);
    const counter = run.activity.get(name);
    const freezeAt = performance.now();
    const lastInbound = counter?.lastAt ?? freezeAt;
    server.freeze();
    const drop = await run.waitFor(isFor(name, 'drop'), DROP_WAIT_MS, freezeAt);
    // Stay frozen a little longer so the client is backing off / retrying against a dead server.
    await sleep(1000 + Math.random() * 2000);
    const thawAt = performance.now();
    server.thaw();
    const open = await run.waitFor(isFor(name, 'open'), OPEN_WAIT_MS, thawAt);
    // The backoff delay then in force: that of the last `backoff` before the thaw. The client cannot
    // know the server is back before its next attempt, which is at most that delay away.
    const backoffs = run.events.filter((e) => e.at <= thawAt && e.at >= freezeAt && e.event.endpoint === name && e.event.event === 'backoff');
    const lastBackoff = backoffs.at(-1);
    const delayInForce = lastBackoff && lastBackoff.event.event === 'backoff' ? lastBackoff.event.delayMs : 0;
    results.push({
      detectionMs: drop ? drop.at - freezeAt : null,
      fromSilenceMs: drop ? drop.at - lastInbound : null,
      cause: drop && drop.event.event === 'drop' ? drop.event.cause : undefined,
      recoveryMs: open ? open.at - thawAt : null,
      recoveryBoundMs: Number.isFinite(handshake) ? delayInForce + handshake : null,
      handshakeMs: handshake,
    });
  }
  return results;
}

/** Raw clients with their defaults on the same servers, during one long freeze. */
async function baselines(servers: Map<string, LabProcess>, run: MonitoredRun): Promise<Record<string, number | null>> {
  const detected: Record<string, number | null> = { undici: null, ws: null, grpc: null, mcpSdk: null, monitor: null };
  let freezeAt = 0;
  let windowOpen = false;
  // Only what a client notices by itself during the frozen window counts (not our own cleanup).
  const mark = (key: string) => () => {
    if (windowOpen && detected[key] === null) detected[key] = performance.now() - freezeAt;
  };
  const cleanups: Array<() => void | Promise<void>> = [];

  // undici fetch (Node's fetch is undici), defaults: bodyTimeout 300 s.
  const abort = new AbortController();
  const sse = servers.get('sse')!;
  void (async () => {
    try {
      const response = await fetch(sse.url, { signal: abort.signal });
      const reader = response.body!.getReader();
      for (;;) if ((await reader.read()).done) break;
      mark('undici')();
    } catch {
      if (!abort.signal.aborted) mark('undici')();
    }
  })();
  cleanups.push(() => abort.abort());

  // ws, defaults: no ping, no timeout. Pings from the server just stop.
  const socket = new WebSocket(servers.get('websocket')!.url);
  socket.on('close', mark('ws'));
  socket.on('error', () => {});
  cleanups.push(() => socket.terminate());

  // grpc-js, defaults: no keepalive; Health/Watch.
  const Health = grpc.makeGenericClientConstructor(healthService as grpc.ServiceDefinition, 'Health');
  const grpcClient = new Health(new URL(servers.get('grpc')!.url).host, grpc.credentials.createInsecure());
  const call = (grpcClient as unknown as { watch(r: object): grpc.ClientReadableStream<unknown> }).watch({ service: '' });
  call.on('data', () => {});
  call.on('error', mark('grpc'));
  call.on('end', mark('grpc'));
  cleanups.push(() => {
    call.cancel();
    grpcClient.close();
  });

  // The MCP SDK v1 client, defaults (Streamable HTTP, GET stream).
  const mcp = new McpClient({ name: 'bench-baseline', version: '1.0.0' });
  const mcpTransport = new StreamableHTTPClientTransport(new URL(servers.get('mcp')!.url));
  mcp.onerror = mark('mcpSdk');
  mcp.onclose = mark('mcpSdk');
  cleanups.push(() => mcp.close().catch(() => {}));
  await mcp.connect(mcpTransport);

  await sleep(2500);
  freezeAt = performance.now();
  windowOpen = true;
  for (const server of servers.values()) server.freeze();
  const monitorDrop = run.waitFor((e) => e.event === 'drop', BASELINE_WINDOW_MS, freezeAt);
  // Bounded: wait the window (or less, if everything detected).
  const deadline = freezeAt + BASELINE_WINDOW_MS;
  while (performance.now() < deadline && Object.entries(detected).some(([k, v]) => k !== 'monitor' && v === null)) await sleep(200);
  const drop = await monitorDrop;
  detected.monitor = drop ? drop.at - freezeAt : null;
  windowOpen = false;
  for (const server of servers.values()) server.thaw();
  for (const cleanup of cleanups) await cleanup();
  return detected;
}

export async function runDetection(trials: number): Promise<Figure[]> {
  const servers = new Map<string, LabProcess>();
  let run: MonitoredRun | undefined;
  try {
    for (const spec of KINDS) servers.set(spec.name, await spawnLabServer(spec.server, spec.serverOptions));
    run = startMonitored(
      KINDS.map((spec) => ({
        name: spec.name,
        kind: spec.endpointKind,
        url: servers.get(spec.name)!.url,
        heartbeatSeconds: HEARTBEAT_S,
        idleTimeoutSeconds: IDLE_S,
        reconnect: { initialDelaySeconds: 1, maxDelaySeconds: 8, multiplier: 2, jitter: 0.5 },
      })),
      { keepEvents: false },
    );
    const perKind = await Promise.all(KINDS.map(async (spec) => [spec.name, await runTrials(spec, servers.get(spec.name)!, run!, trials)] as const));
    // Everything open again before the baseline freeze.
    for (const spec of KINDS) await waitOpenNow(run, spec.name);
    const base = await baselines(servers, run);

    const windowMs = IDLE_S * 1000;
    const figures: Figure[] = [];
    const describe = (ms: number | null) => (ms === null ? `not detected within ${BASELINE_WINDOW_MS / 1000} s` : `${round(ms / 1000, 1)} s`);
    const baselineText = `same frozen servers, defaults: undici fetch ${describe(base.undici)}, ws ${describe(base.ws)}, grpc-js ${describe(base.grpc)}, MCP SDK client ${describe(base.mcpSdk)}`;
    const allSilence: number[] = [];
    for (const [name, results] of perKind) {
      const silence = results.map((r) => r.fromSilenceMs).filter((v): v is number => v !== null);
      const fromFreeze = results.map((r) => r.detectionMs).filter((v): v is number => v !== null);
      allSilence.push(...silence);
      const missed = results.length - silence.length;
      const causes = [...new Set(results.map((r) => r.cause ?? 'none'))].join('/');
      figures.push({
        id: `detection.${name}.ratio`,
        item: 1,
        label: `detection / idle window, ${name}`,
        value: silence.length ? round(median(silence) / windowMs, 3) : null,
        unit: '',
        target: { op: '<=', value: 1.1 },
        note: `median ${round(median(silence))} ms from the last inbound byte (${round(median(fromFreeze))} ms from SIGSTOP), ${results.length} freezes, drop cause ${causes}${missed ? `, ${missed} not detected` : ''}`,
      });
      const ratios = results.filter((r) => r.recoveryMs !== null && r.recoveryBoundMs).map((r) => r.recoveryMs! / r.recoveryBoundMs!);
      const unrecovered = results.filter((r) => r.recoveryMs === null).length;
      figures.push({
        id: `recovery.${name}.ratio`,
        item: 2,
        label: `recovery / (backoff delay + handshake), ${name}`,
        value: ratios.length === results.length ? round(median(ratios), 3) : null,
        unit: '',
        target: { op: '<=', value: 1.2 },
        note: `median recovery ${round(median(results.map((r) => r.recoveryMs ?? Number.NaN).filter(Number.isFinite)))} ms vs bound ${round(median(results.map((r) => r.recoveryBoundMs ?? Number.NaN).filter(Number.isFinite)))} ms (warm handshake ${round(results[0]?.handshakeMs ?? Number.NaN)} ms); worst ratio ${round(Math.max(...ratios), 2)}${unrecovered ? `; ${unrecovered} did not reopen within ${OPEN_WAIT_MS / 1000} s` : ''}`,
      });
    }
    figures.unshift({
      id: 'detection.all.ratio',
      item: 1,
      label: 'detection / idle window, all kinds (median)',
      value: allSilence.length ? round(median(allSilence) / windowMs, 3) : null,
      unit: '',
      target: { op: '<=', value: 1.1 },
      baseline: baselineText,
      note: `heartbeat ${HEARTBEAT_S} s, idle window ${IDLE_S} s; monitor in the baseline freeze: ${describe(base.monitor)} from SIGSTOP`,
    });
    for (const [key, label] of [
      ['undici', 'baseline: undici fetch defaults'],
      ['ws', 'baseline: ws defaults'],
      ['grpc', 'baseline: grpc-js defaults'],
      ['mcpSdk', 'baseline: MCP SDK v1 client defaults'],
    ] as const) {
      figures.push({
        id: `detection.baseline.${key}`,
        item: 1,
        label,
        value: base[key] === null ? null : round(base[key]! / 1000, 2),
        unit: 's',
        note: base[key] === null ? `not detected within ${BASELINE_WINDOW_MS / 1000} s (of the freeze)` : 'detected',
      });
    }
    return figures;
  } finally {
    run?.dispose();
    await Promise.allSettled([...servers.values()].map((s) => s.stop()));
  }
}

if (import.meta.main) {
  const figures = await runDetection(numberArg('--trials', 5));
  process.stdout.write(`${JSON.stringify({ figures })}\n`);
  process.exit(0);
}
