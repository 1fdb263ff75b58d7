// A real MCP server from @modelcontextprotocol/sdk v1 for the lab: Streamable HTTP with sessions
// (POST/GET/DELETE on /mcp, 2025-era) or the deprecated HTTP+SSE transport (GET /sse + POST /messages,
// 2024-11-05). The SDK's own keep-alive is turned off so heartbeats come only from serverKeepalive
// (`: keepalive` comments on the GET stream) when `heartbeatMs` is set: a silent server is really silent.

import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { sseHeartbeat } from '../../serverKeepalive/sse.ts';
import { closeHttp, hostForUrl, listen, LOOPBACK } from '../net.ts';
import { LabEventStore } from './mcpEventStore.ts';
import type { LabServer, LabServerBaseOptions } from '../types.ts';

export interface McpV1ServerOptions extends LabServerBaseOptions {
  readonly transport: 'streamable' | 'sse';
  /** SSE comment heartbeat on the GET stream; 0/undefined = silent. */
  readonly heartbeatMs?: number;
  /** Streamable HTTP only: keep sent events so a GET stream resumed with Last-Event-ID replays what it missed. */
  readonly resumable?: boolean;
  /**
   * Node's `server.keepAliveTimeout` (default 5 s): how long an idle keep-alive connection stays open.
   * Node 24 closes the socket `keepAliveTimeoutBuffer` (default 1 s) later; set with it, the buffer is 0,
   * so the server closes at exactly this age (what the keep-alive mismatch tests measure).
   */
  readonly keepAliveTimeoutMs?: number;
  /** Streamable HTTP only: this many `notifications/message` sent on each GET stream as soon as it opens (benchmarks). */
  readonly burstOnConnect?: number;
  /** Bytes of filler in each burst notification's `data`. */
  readonly messagePayloadBytes?: number;
}

export interface McpV1LabServer extends LabServer {
  readonly stats: {
    readonly sessions: number;
    readonly getStreams: number;
    readonly getStreamsOpened: number;
    /** Last-Event-ID values GET streams resumed from (resumable servers). */
    readonly resumedFrom: readonly string[];
    /** Events replayed to resumed streams (resumable servers). */
    readonly replayed: number;
  };
  /** Sends a `notifications/message` log line to every session: on its stream, or (resumable) stored for it when away. */
  notifyAll(text: string): Promise<void>;
  /** Ends every session's GET stream cleanly, as a server does to make clients reconnect (SSE polling). */
  closeGetStreams(): void;
}

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_SESSIONS = 2000;

function createMcpServer(): McpServer {
  // Logging: notifyAll() sends log notifications, which the SDK allows only with the capability.
  const server = new McpServer({ name: 'stream-health-lab-v1', version: '1.0.0' }, { capabilities: { logging: {} } });
  server.registerTool('now', { description: 'Returns the server time (ISO 8601).' }, async () => ({
    content: [{ type: 'text', text: new Date().toISOString() }],
  }));
  return server;
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

function jsonError(res: http.ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

export async function startMcpV1Server(options: McpV1ServerOptions): Promise<McpV1LabServer> {
  const host = options.host ?? LOOPBACK;
  const sessions = new Map<string, StreamableHTTPServerTransport | SSEServerTransport>();
  const servers = new Set<McpServer>();
  const eventStore = options.resumable ? new LabEventStore() : undefined;
  const getStreams = new Set<http.ServerResponse>();
  let getStreamsOpened = 0;

  // Clients that vanish without DELETE leave sessions behind; cap them so long lab runs stay bounded.
  const evictOldSessions = (): void => {
    for (const [id, transport] of sessions) {
      if (sessions.size < MAX_SESSIONS) break;
      sessions.delete(id);
      void transport.close();
    }
  };

  /** Tracks a long-lived GET stream and heartbeats it when asked. */
  const watchGetStream = (res: http.ServerResponse): void => {
    getStreams.add(res);
    getStreamsOpened++;
    const stop = options.heartbeatMs ? sseHeartbeat(res, { intervalMs: options.heartbeatMs }) : () => {};
    res.once('close', () => {
      stop();
      getStreams.delete(res);
    });
  };

  /**
   * Sends `count` log notifications through the SDK transport (as a server's own notifications go) once
   * the GET stream's headers are out, which is when the SDK has registered the stream to send them on.
   */
  const burst = async (transport: StreamableHTTPServerTransport, res: http.ServerResponse, count: number): Promise<void> => {
    while (!res.headersSent) {
      if (res.destroyed) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (res.statusCode !== 200) return;
    const params = { level: 'info' as const, data: 'x'.repeat(options.messagePayloadBytes ?? 0) };
    for (let i = 0; i < count && !res.destroyed; i++) await transport.send({ jsonrpc: '2.0', method: 'notifications/message', params });
  };

  const handleStreamable = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (req.method === 'POST') {
      const body = await readJson(req);
      if (existing instanceof StreamableHTTPServerTransport) return existing.handleRequest(req, res, body);
      if (sessionId === undefined && isInitializeRequest(body)) {
        const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          keepAliveMs: 0,
          ...(eventStore ? { eventStore } : {}),
          onsessioninitialized: (id) => void sessions.set(id, transport),
        });
        const server = createMcpServer();
        transport.onclose = () => {
          if (transport.sessionId) sessions.delete(transport.sessionId);
          servers.delete(server);
        };
        servers.add(server);
        evictOldSessions();
        await server.connect(transport);
        return transport.handleRequest(req, res, body);
      }
      return jsonError(res, sessionId === undefined ? 400 : 404, sessionId === undefined ? 'Bad Request: no session; send initialize first' : 'Session not found');
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      if (!(existing instanceof StreamableHTTPServerTransport)) return jsonError(res, sessionId ? 404 : 400, sessionId ? 'Session not found' : 'Bad Request: Mcp-Session-Id header required');
      if (req.method === 'GET') watchGetStream(res);
      if (req.method === 'GET' && options.burstOnConnect) void burst(existing, res, options.burstOnConnect);
      return existing.handleRequest(req, res);
    }
    res.writeHead(405, { allow: 'GET, POST, DELETE' }).end();
  };

  const handleLegacySse = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> => {
    if (url.pathname === '/sse' && req.method === 'GET') {
      const transport = new SSEServerTransport('/messages', res);
      const server = createMcpServer();
      sessions.set(transport.sessionId, transport);
      servers.add(server);
      res.once('close', () => {
        sessions.delete(transport.sessionId);
        servers.delete(server);
        void server.close();
      });
      await server.connect(transport);
      watchGetStream(res);
      return;
    }
    if (url.pathname === '/messages' && req.method === 'POST') {
      const transport = sessions.get(url.searchParams.get('sessionId') ?? '');
      if (!(transport instanceof SSEServerTransport)) return jsonError(res, 404, 'Session not found');
      return transport.handlePostMessage(req, res);
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; GET /sse, POST /messages\n');
  };

  const httpServer = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://lab');
    const work =
      options.transport === 'sse'
        ? handleLegacySse(req, res, url)
        : url.pathname === '/mcp'
          ? handleStreamable(req, res)
          : Promise.resolve(void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; MCP is at /mcp\n'));
    work.catch((error: unknown) => jsonError(res, 400, error instanceof Error ? error.message : 'bad request'));
  });

  if (options.keepAliveTimeoutMs !== undefined) {
    httpServer.keepAliveTimeout = options.keepAliveTimeoutMs;
    // Node 24 adds keepAliveTimeoutBuffer to the socket timeout; older Node has no such property.
    if ('keepAliveTimeoutBuffer' in httpServer) (httpServer as { keepAliveTimeoutBuffer: number }).keepAliveTimeoutBuffer = 0;
    httpServer.headersTimeout = Math.max(httpServer.headersTimeout, options.keepAliveTimeoutMs + 1000);
  }
  const port = await listen(httpServer, options.port ?? 0, host);
  const path = options.transport === 'sse' ? '/sse' : '/mcp';
  return {
    url: `http://${hostForUrl(host)}:${port}${path}`,
    port,
    get stats() {
      return { sessions: sessions.size, getStreams: getStreams.size, getStreamsOpened, resumedFrom: [...(eventStore?.resumedFrom ?? [])], replayed: eventStore?.replayed ?? 0 };
    },
    async notifyAll(text: string) {
      await Promise.all([...servers].map((server) => server.server.sendLoggingMessage({ level: 'info', data: text })));
    },
    closeGetStreams() {
      for (const transport of sessions.values()) if (transport instanceof StreamableHTTPServerTransport) transport.closeStandaloneSSEStream();
    },
    async close() {
      for (const res of getStreams) res.destroy();
      await Promise.allSettled([...servers].map((s) => s.close()));
      sessions.clear();
      await closeHttp(httpServer);
    },
  };
}
