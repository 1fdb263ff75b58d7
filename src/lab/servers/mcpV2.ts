// A real MCP server from the v2 SDK (@modelcontextprotocol/server 2.4.0) for the lab, speaking the
// newest era it knows (2026-07-28: per-request `_meta`, `subscriptions/listen` streams) and answering
// 2025-era clients statelessly. Heartbeats are the SDK's own `: keepalive` comments (`keepAliveMs`).

import * as http from 'node:http';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { closeHttp, hostForUrl, listen, LOOPBACK } from '../net.ts';
import type { LabServer, LabServerBaseOptions } from '../types.ts';
import { nodeFetchListener } from './nodeFetch.ts';

export interface McpV2ServerOptions extends LabServerBaseOptions {
  /** SSE comment keepalive on every stream; 0 = silent; undefined = the SDK default (15 s). */
  readonly keepAliveMs?: number;
  /** Publish `notifications/tools/list_changed` to open listen streams every N ms; 0/undefined = never. */
  readonly notifyEveryMs?: number;
}

export interface McpV2LabServer extends LabServer {
  /** Publishes a tools list_changed event to every open `subscriptions/listen` stream. */
  notifyToolsChanged(): void;
}

function createMcpServer(): McpServer {
  const server = new McpServer({ name: 'stream-health-lab-v2', version: '2.0.0' }, { capabilities: { tools: { listChanged: true } } });
  server.registerTool('now', { description: 'Returns the server time (ISO 8601).' }, async () => ({
    content: [{ type: 'text', text: new Date().toISOString() }],
  }));
  return server;
}

export async function startMcpV2Server(options: McpV2ServerOptions = {}): Promise<McpV2LabServer> {
  const host = options.host ?? LOOPBACK;
  const handler = createMcpHandler(() => createMcpServer(), {
    ...(options.keepAliveMs === undefined ? {} : { keepAliveMs: options.keepAliveMs }),
  });
  const httpServer = http.createServer((req, res) => {
    if (!(req.url ?? '').startsWith('/mcp')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; MCP is at /mcp\n');
      return;
    }
    listener(req, res);
  });
  const listener = nodeFetchListener((request) => handler.fetch(request));
  const notifyTimer = options.notifyEveryMs ? setInterval(() => handler.notify.toolsChanged(), options.notifyEveryMs) : null;
  const port = await listen(httpServer, options.port ?? 0, host);
  return {
    url: `http://${hostForUrl(host)}:${port}/mcp`,
    port,
    notifyToolsChanged: () => handler.notify.toolsChanged(),
    async close() {
      if (notifyTimer) clearInterval(notifyTimer);
      await handler.close();
      await closeHttp(httpServer);
    },
  };
}
