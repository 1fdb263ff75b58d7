// Picks the transport for an endpoint's kind. Every transport implements core/transport.ts.

import type { ConnectContext, Transport, TransportFactory } from '../core/transport.ts';
import { connectGrpc } from './grpc.ts';
import { connectMcp } from './mcp.ts';
import { connectSse } from './sse.ts';
import { connectWebSocket } from './websocket.ts';

export const createTransport: TransportFactory = (context: ConnectContext): Transport => {
  switch (context.config.kind) {
    case 'mcp':
    case 'mcp-sse':
      return connectMcp(context);
    case 'sse':
      return connectSse(context);
    case 'grpc':
      return connectGrpc(context);
    case 'websocket':
      return connectWebSocket(context);
  }
};
