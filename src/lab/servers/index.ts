// Starts any lab server by kind, with loosely typed options (used by the child-process entry and the
// lab command, which receive options as JSON).

import type { LabServer, LabServerKind } from '../types.ts';
import { labErrors } from '../errors.ts';

export interface AnyLabServerOptions {
  readonly port?: number;
  readonly host?: string;
  /** sse, mcp-v1, mcp-v1-sse: SSE comment heartbeat. */
  readonly heartbeatMs?: number;
  /** sse: event interval. */
  readonly eventEveryMs?: number;
  readonly eventPayloadBytes?: number;
  readonly path?: string;
  /** sse, websocket, grpc, mcp-v1 (GET stream): messages sent right after a stream opens (benchmarks). */
  readonly burstOnConnect?: number;
  /** websocket */
  readonly pingMs?: number;
  readonly maxMissedPongs?: number;
  readonly messageEveryMs?: number;
  /** websocket; mcp-v1: filler in each burst notification */
  readonly messagePayloadBytes?: number;
  /** grpc */
  readonly keepaliveMessageMs?: number;
  /** mcp-v2 */
  readonly keepAliveMs?: number;
  readonly notifyEveryMs?: number;
}

/** Imports only the server asked for: a child process then starts in a fraction of the time. */
export async function startLabServer(kind: LabServerKind, options: AnyLabServerOptions = {}): Promise<LabServer> {
  switch (kind) {
    case 'sse':
      return (await import('./sse.ts')).startSseServer(options);
    case 'websocket':
      return (await import('./websocket.ts')).startWsServer(options);
    case 'grpc':
      return (await import('./grpc.ts')).startGrpcHealthServer(options);
    case 'mcp-v1':
      return (await import('./mcpV1.ts')).startMcpV1Server({ ...options, transport: 'streamable' });
    case 'mcp-v1-sse':
      return (await import('./mcpV1.ts')).startMcpV1Server({ ...options, transport: 'sse' });
    case 'mcp-v2':
      return (await import('./mcpV2.ts')).startMcpV2Server(options);
    default:
      return Promise.reject(labErrors.option(`unknown lab server kind "${String(kind)}"; use one of sse, websocket, grpc, mcp-v1, mcp-v1-sse, mcp-v2`));
  }
}
