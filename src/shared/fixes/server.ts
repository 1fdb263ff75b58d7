// Server-side fixes: a heartbeat on the stream, as TypeScript that calls the real helpers of
// src/serverKeepalive (test/unit/shared/fixes/server.typecheck.test.ts compiles each one against them).

import type { EndpointKind } from '../../core/config.ts';
import { assertNever } from '../../core/errors.ts';
import { KIND_INFO } from '../../core/kinds.ts';
import { msLiteral, type Snippet } from './snippet.ts';

/** Where the imported helpers come from, said once in every server snippet. */
const HELPER_SOURCE = "// src/serverKeepalive/ from Stream Health has no dependencies: copy the folder into your server.";

export function serverHeartbeatSnippet(kind: EndpointKind, heartbeatSeconds: number): Snippet {
  const ms = msLiteral(heartbeatSeconds * 1000);
  const heartbeat = KIND_INFO[kind].serverHeartbeat;
  switch (heartbeat) {
    case 'grpc-message':
      return {
        id: 'server-grpc',
        side: 'server',
        title: 'Server: gRPC no-op message (grpcKeepalive)',
        language: 'typescript',
        note: `Re-send the current state on the stream every ${heartbeatSeconds} s. HTTP/2 PINGs do not count: proxies answer them themselves and only stream DATA resets their idle timer.`,
        brief: `server: grpcKeepalive(call, { intervalMs: ${ms}, message: () => currentState }) in the streaming handler (src/serverKeepalive)`,
        code: `import type { ServerWritableStream } from '@grpc/grpc-js';
${HELPER_SOURCE}
import { grpcKeepalive } from './serverKeepalive/index.ts';

// In a server-streaming handler, e.g. grpc.health.v1 Health/Watch: repeat the current status.
// It stops by itself when the call is cancelled, finishes or fails.
export function watch(call: ServerWritableStream<{ service: string }, { status: number }>): void {
  grpcKeepalive(call, { intervalMs: ${ms}, message: () => ({ status: 1 /* SERVING */ }) });
}
`,
      };
    case 'ws-ping':
      return {
        id: 'server-websocket',
        side: 'server',
        title: 'Server: WebSocket ping with terminate on missing pong (wsHeartbeat)',
        language: 'typescript',
        note: `Ping every client every ${heartbeatSeconds} s; a client that did not answer the previous ping is gone and is terminated.`,
        brief: `server: wsHeartbeat(wss, { intervalMs: ${ms} }) on the WebSocketServer (src/serverKeepalive)`,
        code: `import type { WebSocketServer } from 'ws';
${HELPER_SOURCE}
import { wsHeartbeat } from './serverKeepalive/index.ts';

/** Pings every client, present and future; terminates one that did not answer the previous ping. */
export function startHeartbeat(wss: WebSocketServer): void {
  const stop = wsHeartbeat(wss, { intervalMs: ${ms} });
  wss.on('close', stop);
}
`,
      };
    case 'sse-comment': {
      const mcpNote = kind === 'mcp' || kind === 'mcp-sse'
        ? ' MCP servers: the v2 SDK\'s createMcpHandler does this with its keepAliveMs option; with the v1 SDK, start it on the response of the GET (or HTTP+SSE) stream.'
        : '';
      return {
        id: 'server-sse',
        side: 'server',
        title: 'Server: SSE comment heartbeat (sseHeartbeat)',
        language: 'typescript',
        note: `Write an SSE comment every ${heartbeatSeconds} s. EventSource and SSE parsers ignore comment lines, but every proxy sees data.${mcpNote}`,
        brief: `server: sseHeartbeat(res, { intervalMs: ${ms} }) on the open event-stream response (src/serverKeepalive)`,
        code: `import type { ServerResponse } from 'node:http';
${HELPER_SOURCE}
import { sseHeartbeat } from './serverKeepalive/index.ts';

export function openEventStream(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  // ": keepalive" every ${heartbeatSeconds} s; it stops by itself when the response closes.
  sseHeartbeat(res, { intervalMs: ${ms} });
}
`,
      };
    }
    default:
      return assertNever(heartbeat);
  }
}
