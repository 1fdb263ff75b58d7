// Copyable fixes for a finding, with values filled in from it: server heartbeats in TypeScript
// (mirroring src/serverKeepalive), intermediary settings, and the client settings. Pure text.

import type { EndpointKind } from '../core/config.ts';
import type { Finding } from '../core/model.ts';

export type SnippetSide = 'server' | 'intermediary' | 'client';

export interface Snippet {
  readonly id: string;
  readonly side: SnippetSide;
  readonly title: string;
  readonly language: 'typescript' | 'nginx' | 'haproxy' | 'yaml' | 'shell' | 'json' | 'text';
  readonly code: string;
  /** Plain-language context shown above the code. */
  readonly note?: string;
}

export interface SnippetEndpoint {
  readonly name: string;
  readonly kind: EndpointKind;
  readonly url: string;
  readonly heartbeatSeconds: number;
  readonly idleTimeoutSeconds: number;
}

export interface FixValues {
  /** Server heartbeat interval to recommend, whole seconds. */
  readonly heartbeatSeconds: number;
  /** Intermediary idle timeout to recommend, whole seconds. */
  readonly proxyTimeoutSeconds: number;
}

const DEFAULT_HEARTBEAT_SECONDS = 15;
/** An intermediary's idle limit should outlast several missed heartbeats and never be short. */
const MIN_PROXY_TIMEOUT_SECONDS = 300;
const HEARTBEATS_PER_PROXY_TIMEOUT = 4;

/**
 * The numbers a fix uses: the finding's recommended heartbeat (or a third of its measured limit),
 * and a proxy idle timeout of at least 4 heartbeats and 5 minutes.
 */
export function fixValues(finding: Finding, endpoint: SnippetEndpoint): FixValues {
  let heartbeatMs = finding.recommendedHeartbeatMs;
  if (heartbeatMs === undefined && finding.estimateMs !== undefined && finding.finding === 'intermediary-idle-timeout') {
    heartbeatMs = finding.estimateMs / 3;
  }
  if (heartbeatMs === undefined) heartbeatMs = (endpoint.heartbeatSeconds || DEFAULT_HEARTBEAT_SECONDS) * 1000;
  // Rounded down (a heartbeat a little early is harmless): whole seconds, or tenths below 1 s
  // (test rigs and very short proxies recommend 600 ms, and saying "1 s" there would be wrong).
  const roundedMs = heartbeatMs >= 1000 ? Math.floor(heartbeatMs / 1000) * 1000 : Math.max(100, Math.floor(heartbeatMs / 100) * 100);
  const heartbeatSeconds = roundedMs / 1000;
  const proxyTimeoutSeconds = Math.max(MIN_PROXY_TIMEOUT_SECONDS, Math.ceil(heartbeatSeconds * HEARTBEATS_PER_PROXY_TIMEOUT));
  return { heartbeatSeconds, proxyTimeoutSeconds };
}

/** The URL's path when it is plain enough to paste into a proxy config, else `/`. */
export function locationPath(url: string): string {
  try {
    const path = new URL(url).pathname;
    return /^\/[A-Za-z0-9/._~-]*$/.test(path) ? path : '/';
  } catch {
    return '/';
  }
}

/** A millisecond count as a TypeScript literal: 20000 -> `20_000`, 600 -> `600`. */
export function msLiteral(ms: number): string {
  const whole = Math.round(ms);
  return whole >= 1000 && whole % 1000 === 0 ? `${whole / 1000}_000` : String(whole);
}

/** `heartbeatSeconds` x `n`, without binary-fraction noise (0.6 x 3 is 1.8, not 1.7999999999999998). */
function timesSeconds(seconds: number, n: number): number {
  return Math.round(seconds * 1000 * n) / 1000;
}

export function serverHeartbeatSnippet(kind: EndpointKind, heartbeatSeconds: number): Snippet {
  const ms = msLiteral(heartbeatSeconds * 1000);
  if (kind === 'grpc') {
    return {
      id: 'server-grpc',
      side: 'server',
      title: 'Server: gRPC no-op message (grpc-js)',
      language: 'typescript',
      note: `Re-send the current state on the stream every ${heartbeatSeconds} s. HTTP/2 PINGs do not count: proxies answer them themselves and only stream DATA resets their idle timer.`,
      code: `import type { ServerWritableStream } from '@grpc/grpc-js';

/** Writes a no-op message every intervalMs until the call ends; returns a stop function. */
export function grpcKeepalive<Req, Res>(call: ServerWritableStream<Req, Res>, message: () => Res, intervalMs = ${ms}): () => void {
  const timer = setInterval(() => {
    if (call.cancelled || call.writableEnded || call.destroyed) return stop();
    call.write(message());
  }, intervalMs);
  const stop = (): void => clearInterval(timer);
  for (const event of ['cancelled', 'close', 'finish', 'error'] as const) call.on(event, stop);
  return stop;
}

// In a server-streaming handler, e.g. grpc.health.v1 Health/Watch: repeat the current status.
// grpcKeepalive(call, () => ({ status: 1 /* SERVING */ }), ${ms});
`,
    };
  }
  if (kind === 'websocket') {
    return {
      id: 'server-websocket',
      side: 'server',
      title: 'Server: WebSocket ping with terminate on missing pong (ws)',
      language: 'typescript',
      note: `Ping every client every ${heartbeatSeconds} s; a client that did not answer the previous ping is gone and is terminated.`,
      code: `import type { WebSocket, WebSocketServer } from 'ws';

export function wsHeartbeat(wss: WebSocketServer, intervalMs = ${ms}): () => void {
  const awaitingPong = new WeakMap<WebSocket, boolean>();
  wss.on('connection', (ws) => ws.on('pong', () => awaitingPong.set(ws, false)));
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (awaitingPong.get(ws)) {
        ws.terminate(); // no pong since the last ping: the peer is gone
        continue;
      }
      awaitingPong.set(ws, true);
      ws.ping();
    }
  }, intervalMs);
  const stop = (): void => clearInterval(timer);
  wss.on('close', stop);
  return stop;
}
`,
    };
  }
  const mcpNote = kind === 'mcp' || kind === 'mcp-sse'
    ? ' MCP servers: the v2 SDK\'s createMcpHandler does this with its keepAliveMs option; with the v1 SDK, start it on the response of the GET (or HTTP+SSE) stream.'
    : '';
  return {
    id: 'server-sse',
    side: 'server',
    title: 'Server: SSE comment heartbeat (node:http)',
    language: 'typescript',
    note: `Write an SSE comment every ${heartbeatSeconds} s. EventSource and SSE parsers ignore comment lines, but every proxy sees data.${mcpNote}`,
    code: `import type { ServerResponse } from 'node:http';

/** Writes ": keepalive" every intervalMs until the response closes; returns a stop function. */
export function sseHeartbeat(res: ServerResponse, intervalMs = ${ms}): () => void {
  const timer = setInterval(() => {
    if (res.writableEnded || res.destroyed) return stop();
    res.write(': keepalive\\n\\n');
  }, intervalMs);
  const stop = (): void => clearInterval(timer);
  res.once('close', stop);
  return stop;
}

// After res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' }):
// sseHeartbeat(res, ${ms});
`,
  };
}

export function nginxSnippet(kind: EndpointKind, path: string, timeoutSeconds: number): Snippet {
  if (kind === 'grpc') {
    return {
      id: 'nginx',
      side: 'intermediary',
      title: 'nginx: grpc_read_timeout',
      language: 'nginx',
      note: 'nginx cuts a gRPC stream after grpc_read_timeout (default 60 s) without a message from the server.',
      code: `location ${path} {
    grpc_pass grpc://backend;
    grpc_read_timeout ${timeoutSeconds}s;
    grpc_send_timeout ${timeoutSeconds}s;
}
`,
    };
  }
  const upgrade = kind === 'websocket'
    ? `    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
`
    : `    proxy_buffering off;   # deliver events as they arrive
    proxy_set_header Connection "";
`;
  return {
    id: 'nginx',
    side: 'intermediary',
    title: 'nginx: proxy_read_timeout',
    language: 'nginx',
    note: 'nginx cuts a proxied stream after proxy_read_timeout (default 60 s) without data from the server.',
    code: `location ${path} {
    proxy_pass http://backend;
    proxy_http_version 1.1;
${upgrade}    proxy_read_timeout ${timeoutSeconds}s;
    proxy_send_timeout ${timeoutSeconds}s;
}
`,
  };
}

export function haproxySnippet(kind: EndpointKind, timeoutSeconds: number): Snippet {
  const tunnelNote = kind === 'websocket'
    ? 'Once a WebSocket is upgraded, HAProxy applies timeout tunnel instead of client/server.'
    : 'A streamed HTTP response is cut after timeout server without data; timeout tunnel covers upgraded connections (WebSocket).';
  return {
    id: 'haproxy',
    side: 'intermediary',
    title: 'HAProxy: timeout tunnel / timeout server',
    language: 'haproxy',
    note: tunnelNote,
    code: `defaults
    mode http
    timeout connect 5s
    timeout client  ${timeoutSeconds}s
    timeout server  ${timeoutSeconds}s
    timeout tunnel  ${timeoutSeconds}s
`,
  };
}

export function envoySnippet(timeoutSeconds: number, lifetimeCap: boolean): Snippet {
  return {
    id: 'envoy',
    side: 'intermediary',
    title: 'Envoy: stream_idle_timeout',
    language: 'yaml',
    note: lifetimeCap
      ? 'A route timeout caps the whole stream lifetime (default 15 s for the response); 0s disables it for streaming routes.'
      : 'Envoy resets a stream after stream_idle_timeout (default 300 s) without data in either direction.',
    code: `# HTTP connection manager
stream_idle_timeout: ${timeoutSeconds}s
route_config:
  virtual_hosts:
  - name: streams
    domains: ["*"]
    routes:
    - match: { prefix: "/" }
      route:
        cluster: backend
        timeout: 0s              # no cap on the stream's lifetime
        idle_timeout: ${timeoutSeconds}s
`,
  };
}

export function cloudflareNote(heartbeatSeconds: number): Snippet {
  return {
    id: 'cloudflare',
    side: 'intermediary',
    title: 'Cloudflare: 100 s without data',
    language: 'text',
    code: `Cloudflare closes a proxied HTTP response after 100 s without data (error 524 if nothing was sent yet).
Only Enterprise plans can raise the proxy read timeout. Everyone else: keep server heartbeats
well under 100 s (every ${heartbeatSeconds} s) or serve the stream from a DNS-only (grey cloud) hostname.
`,
  };
}

export function awsAlbSnippet(timeoutSeconds: number): Snippet {
  return {
    id: 'aws-alb',
    side: 'intermediary',
    title: 'AWS ALB: idle_timeout.timeout_seconds',
    language: 'shell',
    note: 'An Application Load Balancer closes connections idle for 60 s by default (1 to 4000 s).',
    code: `aws elbv2 modify-load-balancer-attributes \\
  --load-balancer-arn <your-alb-arn> \\
  --attributes Key=idle_timeout.timeout_seconds,Value=${timeoutSeconds}
`,
  };
}

export function clientSettingsSnippet(endpoint: SnippetEndpoint, heartbeatSeconds: number, reconnect?: { initialDelaySeconds: number; maxDelaySeconds: number }): Snippet {
  const entry: Record<string, unknown> = {
    name: endpoint.name,
    heartbeatSeconds,
    idleTimeoutSeconds: timesSeconds(heartbeatSeconds, 3),
  };
  if (reconnect) entry.reconnect = reconnect;
  return {
    id: 'client-settings',
    side: 'client',
    title: 'Client: Stream Health watchdog (streamHealth.endpoints)',
    language: 'json',
    note: `Declare the stream dead after ${timesSeconds(heartbeatSeconds, 3)} s without data (3 missed heartbeats), then reconnect.`,
    code: `${JSON.stringify(entry, null, 2)}\n`,
  };
}

/** Words in a finding's `match` (e.g. "nginx", "AWS ALB") -> the snippet for that product. */
const MATCH_KEYS: readonly (readonly [string, string])[] = [
  ['nginx', 'nginx'],
  ['haproxy', 'haproxy'],
  ['envoy', 'envoy'],
  ['cloudflare', 'cloudflare'],
  ['aws alb', 'aws-alb'],
];

/** Ids of the snippets for the products a finding's `match` names. */
export function matchedSnippetIds(match: string | undefined): Set<string> {
  const m = (match ?? '').toLowerCase();
  return new Set(MATCH_KEYS.filter(([word]) => m.includes(word)).map(([, id]) => id));
}

/** Intermediary snippets with the matched product first, so the likely culprit leads. */
function intermediarySnippets(kind: EndpointKind, url: string, values: FixValues, match: string | undefined): Snippet[] {
  const list = [
    nginxSnippet(kind, locationPath(url), values.proxyTimeoutSeconds),
    haproxySnippet(kind, values.proxyTimeoutSeconds),
    envoySnippet(values.proxyTimeoutSeconds, false),
    cloudflareNote(values.heartbeatSeconds),
    awsAlbSnippet(values.proxyTimeoutSeconds),
  ];
  const matched = matchedSnippetIds(match);
  return [...list.filter((s) => matched.has(s.id)), ...list.filter((s) => !matched.has(s.id))];
}

/** Every snippet worth showing for one finding, server side first. */
export function snippetsFor(finding: Finding, endpoint: SnippetEndpoint): Snippet[] {
  const values = fixValues(finding, endpoint);
  const server = serverHeartbeatSnippet(endpoint.kind, values.heartbeatSeconds);
  const client = clientSettingsSnippet(endpoint, values.heartbeatSeconds);
  switch (finding.finding) {
    case 'intermediary-idle-timeout':
    case 'gateway-timeout':
      return [server, ...intermediarySnippets(endpoint.kind, endpoint.url, values, finding.match), client];
    case 'no-server-heartbeat':
      return [server, client];
    case 'silent-dead-connection':
      return [client, server];
    case 'stream-lifetime-limit':
      return [envoySnippet(values.proxyTimeoutSeconds, true), haproxySnippet(endpoint.kind, values.proxyTimeoutSeconds), client];
    case 'flapping':
      return [clientSettingsSnippet(endpoint, values.heartbeatSeconds, { initialDelaySeconds: 2, maxDelaySeconds: 60 })];
    default:
      return [server, client];
  }
}
