// Misbehaving and test-only WebSocket servers the lab does not provide: an upgrade refused with a given
// HTTP answer, connections the server closes itself, and wss with a given certificate.

import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import { WebSocketServer } from 'ws';

export interface WsTestServer {
  readonly port: number;
  readonly url: string;
  readonly stats: { readonly open: number; readonly opened: number; readonly refused?: number };
  close(): Promise<void>;
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Answers every upgrade with `status` and `body` (e.g. a 401 from an auth layer), plus `headers`. */
export async function startRefusingServer(status: number, body: string, contentType = 'text/plain', headers: Record<string, string> = {}): Promise<WsTestServer> {
  const server = http.createServer();
  let opened = 0;
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket) => {
    opened++;
    const reason = http.STATUS_CODES[status] ?? 'Error';
    const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: ${contentType}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}connection: close\r\n\r\n${body}`);
  });
  const port = await listen(server);
  return { port, url: `ws://127.0.0.1:${port}/ws`, stats: { open: 0, get opened() { return opened; } }, close: () => closeServer(server) };
}

export interface WsEchoServerOptions {
  /** The first N connections are closed by the server (1001) right after the first message. */
  readonly closeFirst?: number;
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  /** After 'hello', a text frame with invalid UTF-8, then 'still here'. */
  readonly invalidUtf8?: boolean;
  /** Refuse the upgrade with 401 unless `Authorization` is exactly this. */
  readonly requireAuthorization?: string;
  /** Subprotocols the server speaks: it picks the client's first offer among them, else none. */
  readonly protocols?: readonly string[];
}

/** Sends one message on connect; closes the first `closeFirst` connections itself. */
export async function startWsTestServer(options: WsEchoServerOptions = {}): Promise<WsTestServer> {
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }) : http.createServer();
  let refused = 0;
  const wss = new WebSocketServer({
    server,
    verifyClient: (info, done) => {
      const ok = !options.requireAuthorization || info.req.headers.authorization === options.requireAuthorization;
      if (!ok) refused++;
      done(ok, 401, 'Unauthorized');
    },
    handleProtocols: (offered) => [...offered].find((p) => options.protocols?.includes(p)) ?? false,
  });
  let opened = 0;
  wss.on('connection', (socket) => {
    opened++;
    socket.on('error', () => socket.terminate());
    socket.send('hello');
    if (options.invalidUtf8) {
      // `ws` does not validate what it sends, so this is a real text frame with bytes 0xff 0xfe.
      socket.send(Buffer.from([0x68, 0xff, 0xfe]), { binary: false });
      socket.send('still here');
    }
    if (opened <= (options.closeFirst ?? 0)) socket.close(1001, 'test server closes this one');
  });
  const port = await listen(server);
  return {
    port,
    url: `${options.tls ? 'wss' : 'ws'}://127.0.0.1:${port}/ws`,
    get stats() {
      return { open: wss.clients.size, opened, refused };
    },
    async close() {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await closeServer(server);
    },
  };
}
