// The lab as a whole: real servers (some heartbeating, some silent) behind a short-timeout intermediary,
// plus a "freezer" whose process is SIGSTOPped on a schedule to show silent death. `startLab` returns a
// ready `streamHealth.endpoints` list; the lab command, `npm start` and the e2e harness all use it.

import type { EndpointKind } from '../core/config.ts';
import { labErrors } from './errors.ts';
import { spawnLabServer } from './process.ts';
import { describeProxy, startBestProxy } from './proxies/index.ts';
import type { ProxyPreference } from './proxies/index.ts';
import { startGrpcHealthServer } from './servers/grpc.ts';
import { startMcpV1Server } from './servers/mcpV1.ts';
import { startMcpV2Server } from './servers/mcpV2.ts';
import { startSseServer } from './servers/sse.ts';
import { startWsServer } from './servers/websocket.ts';
import type { LabProcess, LabProxy, LabServer, ProxyMode } from './types.ts';

/** One entry of `streamHealth.endpoints`, exactly as the settings schema takes it. */
export interface LabEndpoint {
  readonly name: string;
  readonly kind: EndpointKind;
  readonly url: string;
  readonly heartbeatSeconds: number;
  readonly idleTimeoutSeconds: number;
  readonly reconnect: { readonly initialDelaySeconds: number; readonly maxDelaySeconds: number };
}

export interface LabOptions {
  /** Idle timeout of the intermediary in front of the streams (seconds); default 5. */
  readonly proxyIdleSeconds?: number;
  /** Which intermediary: nginx if installed, else HAProxy, else the built-in stand-in (default `auto`). */
  readonly proxy?: ProxyPreference;
  /** Server heartbeat interval of the heartbeating endpoints (ms); default 2000. */
  readonly heartbeatMs?: number;
  /** The freezer is SIGSTOPped for `freezeForSeconds` every `freezeEverySeconds`; 0 = never (manual). */
  readonly freezeEverySeconds?: number;
  readonly freezeForSeconds?: number;
  /** Leave out endpoints by name (e.g. to keep a demo small). */
  readonly exclude?: readonly string[];
}

export interface LabNote {
  readonly name: string;
  /** What the endpoint is and what the monitor should show for it. */
  readonly note: string;
}

export interface RunningLab {
  readonly endpoints: LabEndpoint[];
  readonly notes: LabNote[];
  /** How the intermediary is labelled (nginx / haproxy / built-in stand-in) with its timeout. */
  readonly proxy: { readonly kind: LabProxy['kind']; readonly idleTimeoutSeconds: number; readonly description: string };
  /** The freezer's child process, for tests that freeze/thaw on demand. */
  readonly freezer: LabProcess | undefined;
  stop(): Promise<void>;
}

export const LAB_DEFAULTS = {
  proxyIdleSeconds: 5,
  heartbeatMs: 2000,
  freezeEverySeconds: 60,
  freezeForSeconds: 20,
} as const;

interface Spec {
  readonly name: string;
  readonly kind: EndpointKind;
  readonly start: () => Promise<LabServer>;
  /** The proxy mode to put in front of the server (its URL keeps the server's path); null = direct. */
  readonly proxied: ProxyMode | null;
  readonly heartbeatSeconds: number;
  readonly idleTimeoutSeconds: number;
  readonly note: string;
}

export async function startLab(options: LabOptions = {}): Promise<RunningLab> {
  const idle = options.proxyIdleSeconds ?? LAB_DEFAULTS.proxyIdleSeconds;
  const beatMs = options.heartbeatMs ?? LAB_DEFAULTS.heartbeatMs;
  const beatS = beatMs / 1000;
  const everyS = options.freezeEverySeconds ?? LAB_DEFAULTS.freezeEverySeconds;
  const forS = options.freezeForSeconds ?? LAB_DEFAULTS.freezeForSeconds;
  const exclude = new Set(options.exclude ?? []);
  if (beatMs >= idle * 1000) {
    throw labErrors.option(`heartbeatMs (${beatMs}) must be shorter than the proxy's idle timeout (${idle} s), or the heartbeating endpoints would be cut too; use about a third of it`);
  }
  // Silent endpoints: the watchdog window is longer than the proxy's timeout, so the proxy's cut is
  // what the monitor sees (and diagnoses); heartbeating ones: 3 x the server's heartbeat.
  const silentIdle = Math.max(idle * 3, 15);
  const beatIdle = Math.max(beatS * 3, 3);

  const specs: Spec[] = [
    {
      name: 'sse-heartbeat',
      kind: 'sse',
      start: () => startSseServer({ heartbeatMs: beatMs, eventEveryMs: 10_000 }),
      proxied: 'http',
      heartbeatSeconds: beatS,
      idleTimeoutSeconds: beatIdle,
      note: `plain SSE with ": keepalive" comments every ${beatS} s through the proxy: stays up`,
    },
    {
      name: 'sse-silent',
      kind: 'sse',
      start: () => startSseServer(),
      proxied: 'http',
      heartbeatSeconds: idle,
      idleTimeoutSeconds: silentIdle,
      note: `plain SSE, no heartbeats, through the proxy: cut every ~${idle} s -> intermediary-idle-timeout`,
    },
    {
      name: 'websocket-ping',
      kind: 'websocket',
      start: () => startWsServer({ pingMs: beatMs }),
      proxied: 'websocket',
      heartbeatSeconds: beatS,
      idleTimeoutSeconds: beatIdle,
      note: `ws server pinging every ${beatS} s (terminates peers missing a pong), through the proxy: stays up`,
    },
    {
      name: 'grpc-keepalive',
      kind: 'grpc',
      start: () => startGrpcHealthServer({ keepaliveMessageMs: beatMs }),
      proxied: 'grpc',
      heartbeatSeconds: beatS,
      idleTimeoutSeconds: beatIdle,
      note: `grpc.health.v1 Watch re-sending its status every ${beatS} s, through the proxy: stays up`,
    },
    {
      name: 'grpc-silent',
      kind: 'grpc',
      start: () => startGrpcHealthServer(),
      proxied: 'grpc',
      heartbeatSeconds: idle,
      idleTimeoutSeconds: silentIdle,
      note: `grpc.health.v1 Watch with no keepalive messages, through the proxy: cut every ~${idle} s`,
    },
    {
      name: 'mcp-v1-streamable',
      kind: 'mcp',
      start: () => startMcpV1Server({ transport: 'streamable' }),
      proxied: 'http',
      heartbeatSeconds: Math.max(1, Math.floor(idle / 2)),
      idleTimeoutSeconds: silentIdle,
      note: `MCP SDK v1 Streamable HTTP (2025 era), silent GET stream, through the proxy: client pings do not save it, cut every ~${idle} s`,
    },
    {
      name: 'mcp-v1-sse',
      kind: 'mcp-sse',
      start: () => startMcpV1Server({ transport: 'sse', heartbeatMs: beatMs }),
      proxied: 'http',
      heartbeatSeconds: beatS,
      idleTimeoutSeconds: beatIdle,
      note: `MCP SDK v1 HTTP+SSE (2024-11-05) with comment heartbeats every ${beatS} s, through the proxy: stays up`,
    },
    {
      name: 'mcp-v2',
      kind: 'mcp',
      start: () => startMcpV2Server({ keepAliveMs: beatMs }),
      proxied: 'http',
      heartbeatSeconds: beatS,
      idleTimeoutSeconds: beatIdle,
      note: `MCP SDK v2 (2026-07-28, subscriptions/listen) with its own keepAliveMs ${beatMs}, through the proxy: stays up`,
    },
  ].filter((spec) => !exclude.has(spec.name)) as Spec[];

  const servers: LabServer[] = [];
  const proxies: LabProxy[] = [];
  let freezer: LabProcess | undefined;
  let freezeTimer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (freezeTimer) clearTimeout(freezeTimer);
    await Promise.allSettled([...proxies.map((p) => p.stop()), ...servers.map((s) => s.close()), freezer?.stop()]);
  };

  try {
    const reconnect = { initialDelaySeconds: 1, maxDelaySeconds: 10 };
    // Start every server and its proxy in parallel (each nginx takes a moment to accept).
    const started = await Promise.allSettled(
      specs.map(async (spec) => {
        const server = await spec.start();
        servers.push(server);
        if (!spec.proxied) return { spec, url: server.url, proxy: undefined };
        const proxy = await startBestProxy({ upstreamPort: server.port, mode: spec.proxied, idleTimeoutSeconds: idle }, options.proxy);
        proxies.push(proxy);
        const url = new URL(server.url);
        url.port = String(proxy.port);
        return { spec, url: url.toString(), proxy };
      }),
    );
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const endpoints: LabEndpoint[] = [];
    const notes: LabNote[] = [];
    let proxyKind: LabProxy['kind'] | undefined;
    for (const result of started) {
      if (result.status !== 'fulfilled') continue;
      const { spec, url, proxy } = result.value;
      proxyKind ??= proxy?.kind;
      // The built-in stand-in is a TCP relay: a Health/Check on the same HTTP/2 connection would keep
      // the silent Watch alive there, so the silent gRPC endpoint probes nothing in that case.
      const heartbeatSeconds = spec.name === 'grpc-silent' && proxy?.kind === 'builtin' ? 0 : spec.heartbeatSeconds;
      endpoints.push({ name: spec.name, kind: spec.kind, url, heartbeatSeconds, idleTimeoutSeconds: spec.idleTimeoutSeconds, reconnect });
      notes.push({ name: spec.name, note: spec.note });
    }

    if (!exclude.has('freezer')) {
      freezer = await spawnLabServer('sse', { heartbeatMs: 1000, eventEveryMs: 5000 });
      endpoints.push({ name: 'freezer', kind: 'sse', url: freezer.url, heartbeatSeconds: 1, idleTimeoutSeconds: 3, reconnect: { initialDelaySeconds: 1, maxDelaySeconds: 5 } });
      notes.push({
        name: 'freezer',
        note:
          everyS > 0
            ? `SSE server (heartbeat 1 s) SIGSTOPped for ${forS} s every ${everyS} s, direct: silent death -> watchdog drop within ~3 s, recovers on thaw`
            : 'SSE server (heartbeat 1 s) in a child process; freeze it on demand (lab.freezer.freeze()) to show silent death',
      });
      if (everyS > 0 && forS > 0 && forS < everyS) {
        const lab = freezer;
        const schedule = (frozen: boolean): void => {
          freezeTimer = setTimeout(
            () => {
              if (stopped) return;
              if (frozen) lab.thaw();
              else lab.freeze();
              schedule(!frozen);
            },
            (frozen ? forS : everyS - forS) * 1000,
          );
          freezeTimer.unref();
        };
        schedule(false);
      }
    }

    const kind = proxyKind ?? 'builtin';
    const description = proxies[0] ? describeProxy(proxies[0], idle).replace(/, 127\.0\.0\.1:\d+$/, '') : 'no proxy';
    return { endpoints, notes, proxy: { kind, idleTimeoutSeconds: idle, description }, freezer, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
