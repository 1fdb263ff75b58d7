// Misbehaving HTTP servers for the bad-input proofs: any handler on loopback port 0, over plain HTTP,
// HTTPS or HTTP/2 (with HTTP/1.1 fallback), counting requests and destroying its sockets on close.

import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import type { Socket } from 'node:net';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface BadServer {
  readonly url: string;
  readonly port: number;
  /** Requests seen so far, by method and path. */
  readonly requests: string[];
  close(): Promise<void>;
}

export interface BadServerOptions {
  readonly tls?: { readonly key: string; readonly cert: string };
  /** Offer HTTP/2 by ALPN (needs tls); HTTP/1.1 clients still work. */
  readonly h2?: boolean;
  readonly path?: string;
}

export async function startBadServer(handler: Handler, options: BadServerOptions = {}): Promise<BadServer> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const listener: Handler = (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  };
  const server: http.Server | https.Server | http2.Http2SecureServer = options.tls
    ? options.h2
      ? http2.createSecureServer({ ...options.tls, allowHTTP1: true }, listener as never)
      : https.createServer(options.tls, listener)
    : http.createServer(listener);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // TLS handshake failures are the point of some tests; keep them off stderr.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}${options.path ?? '/stream'}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes an SSE response head; nginx-style no-buffering header included. */
export function sseHead(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}

/**
 * A transparent forwarder to a loopback upstream that records, per request, the method, path and the
 * value of `header` (so tests can check that configured headers ride on every request of a protocol).
 */
export async function startHeaderRecorder(upstreamPort: number, header: string): Promise<BadServer & { readonly seen: Array<{ method: string; path: string; value: string | undefined }> }> {
  const seen: Array<{ method: string; path: string; value: string | undefined }> = [];
  const server = await startBadServer((req, res) => {
    const value = req.headers[header.toLowerCase()];
    seen.push({ method: req.method ?? '', path: req.url ?? '', value: Array.isArray(value) ? value[0] : value });
    const upstream = http.request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      res.flushHeaders();
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.once('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  return { ...server, seen };
}

/**
 * A hand-rolled MCP 2024-11-05 HTTP+SSE server: GET opens the stream with the `endpoint` event, POSTs are
 * accepted (202) and answered on the stream. `afterInit(write)` runs once the client sent
 * `notifications/initialized`; every POSTed message is recorded in `received`.
 */
export async function startFakeMcpSse(afterInit: (write: (raw: string) => void) => void): Promise<BadServer & { readonly received: Array<Record<string, unknown>> }> {
  const received: Array<Record<string, unknown>> = [];
  let stream: http.ServerResponse | undefined;
  const write = (raw: string) => void stream?.write(raw);
  const server = await startBadServer(
    (req, res) => {
      if (req.method === 'GET') {
        stream = res;
        sseHead(res);
        res.write('event: endpoint\ndata: /messages?session=1\n\n');
        return;
      }
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        res.writeHead(202).end('Accepted');
        const message = JSON.parse(body) as { id?: number; method?: string };
        received.push(message);
        if (message.method === 'initialize') {
          const result = { protocolVersion: '2024-11-05', capabilities: {}, serverInfo: { name: 'fake', version: '0' } };
          write(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: message.id, result })}\n\n`);
        } else if (message.method === 'notifications/initialized') {
          afterInit(write);
        }
      });
    },
    { path: '/sse' },
  );
  return { ...server, received };
}
