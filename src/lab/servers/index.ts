// Starts any lab server by kind, with loosely typed options (used by the child-process entry and the
// lab command, which receive options as JSON).

import type { LabServer, LabServerKind } from '../types.ts';
import { labErrors } from '../errors.ts';
import { startGrpcHealthServer } from './grpc.ts';
import { startMcpV1Server } from './mcpV1.ts';
import { startMcpV2Server } from './mcpV2.ts';
import { startSseServer } from './sse.ts';
import { startWsServer } from './websocket.ts';

export interface AnyLabServerOptions {
  readonly port?: number;
  readonly host?: string;
  /** sse, mcp-v1, mcp-v1-sse: SSE comment heartbeat. */
  readonly heartbeatMs?: number;
  /** sse: event interval. */
  readonly eventEveryMs?: number;
  readonly eventPayloadBytes?: number;
  readonly path?: string;
  /** websocket */
  readonly pingMs?: number;
  readonly messageEveryMs?: number;
  readonly messagePayloadBytes?: number;
  /** grpc */
  readonly keepaliveMessageMs?: number;
  /** mcp-v2 */
  readonly keepAliveMs?: number;
  readonly notifyEveryMs?: number;
}

export function startLabServer(kind: LabServerKind, options: AnyLabServerOptions = {}): Promise<LabServer> {
  switch (kind) {
    case 'sse':
      return startSseServer(options);
    case 'websocket':
      return startWsServer(options);
    case 'grpc':
      return startGrpcHealthServer(options);
    case 'mcp-v1':
      return startMcpV1Server({ ...options, transport: 'streamable' });
    case 'mcp-v1-sse':
      return startMcpV1Server({ ...options, transport: 'sse' });
    case 'mcp-v2':
      return startMcpV2Server(options);
    default:
      return Promise.reject(labErrors.option(`unknown lab server kind "${String(kind)}"; use one of sse, websocket, grpc, mcp-v1, mcp-v1-sse, mcp-v2`));
  }
}
