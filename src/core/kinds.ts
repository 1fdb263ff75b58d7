// What differs between endpoint kinds, in one table. `KIND_INFO` is a Record over EndpointKind, so a new
// kind does not compile until it has its URL schemes, its Add Endpoint text and its heartbeat advice.

import type { EndpointKind } from './config.ts';
import type { HeartbeatKind } from './events.ts';

/** What the server should put on the stream so intermediaries see data (the server-side fix). */
export type ServerHeartbeat = 'sse-comment' | 'grpc-message' | 'ws-ping';

export interface KindInfo {
  /** How people name the protocol, e.g. "MCP Streamable HTTP". */
  readonly displayName: string;
  /** `URL.protocol` values an endpoint of this kind accepts. */
  readonly urlSchemes: readonly string[];
  /** One line for the Add Endpoint kind picker. */
  readonly description: string;
  /** Example URL for the Add Endpoint URL box. */
  readonly urlPlaceholder: string;
  /** What the client's `heartbeatSeconds` sends; undefined when it sends nothing (plain SSE has no way back). */
  readonly clientHeartbeat: HeartbeatKind | undefined;
  readonly serverHeartbeat: ServerHeartbeat;
  /** What the server should put on the stream every `every` (a formatted duration), in this kind's terms. */
  readonly serverHeartbeatAdvice: (every: string, everyMs: number) => string;
  /** Spoken over HTTP requests that can carry an OAuth bearer token (sign-in applies). */
  readonly signIn: boolean;
}

export const KIND_INFO: Readonly<Record<EndpointKind, KindInfo>> = {
  mcp: {
    displayName: 'MCP Streamable HTTP',
    urlSchemes: ['http:', 'https:'],
    description: 'MCP Streamable HTTP (2025-03-26 and later, 2026-07-28 subscriptions)',
    urlPlaceholder: 'https://example.com/mcp',
    clientHeartbeat: 'mcp-ping',
    serverHeartbeat: 'sse-comment',
    serverHeartbeatAdvice: mcpAdvice,
    signIn: true,
  },
  'mcp-sse': {
    displayName: 'MCP HTTP+SSE',
    urlSchemes: ['http:', 'https:'],
    description: 'MCP HTTP+SSE (2024-11-05, the deprecated transport)',
    urlPlaceholder: 'https://example.com/sse',
    clientHeartbeat: 'mcp-ping',
    serverHeartbeat: 'sse-comment',
    serverHeartbeatAdvice: mcpAdvice,
    signIn: true,
  },
  sse: {
    displayName: 'SSE',
    urlSchemes: ['http:', 'https:'],
    description: 'Any text/event-stream URL (GET)',
    urlPlaceholder: 'https://example.com/events',
    clientHeartbeat: undefined,
    serverHeartbeat: 'sse-comment',
    serverHeartbeatAdvice: (every) => `have the server write an SSE comment line (": keepalive") every ${every}`,
    signIn: true,
  },
  grpc: {
    displayName: 'gRPC',
    urlSchemes: ['http:', 'https:', 'grpc:', 'grpcs:'],
    description: 'gRPC server-streaming method (default grpc.health.v1.Health/Watch)',
    urlPlaceholder: 'http://localhost:50051',
    clientHeartbeat: 'grpc-check',
    serverHeartbeat: 'grpc-message',
    serverHeartbeatAdvice: (every) => `have the server send a no-op stream message every ${every} (HTTP/2 PING does not count as stream data at a proxy)`,
    signIn: false,
  },
  websocket: {
    displayName: 'WebSocket',
    urlSchemes: ['ws:', 'wss:'],
    description: 'WebSocket (ws:// or wss://)',
    urlPlaceholder: 'wss://example.com/socket',
    clientHeartbeat: 'ws-ping',
    serverHeartbeat: 'ws-ping',
    // Client pings travel on the stream's own connection, so the client side alone can fix it.
    serverHeartbeatAdvice: (every, everyMs) => `set "heartbeatSeconds": ${Math.max(1, Math.floor(everyMs / 1000))} (client WebSocket pings travel on the same connection) or have the server ping every ${every}`,
    signIn: false,
  },
};

function mcpAdvice(every: string): string {
  return `have the MCP server write an SSE comment (": keepalive") on the open stream every ${every} (MCP SDK v2: keepAliveMs)`;
}
