// A `ws` WebSocket server for the lab: optional server pings (with terminate on a missing pong, via
// serverKeepalive) and optional periodic messages; echoes what clients send.

import * as http from 'node:http';
import type { Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { wsHeartbeat } from '../../serverKeepalive/websocket.ts';
import { closeHttp, hostForUrl, listen, LOOPBACK } from '../net.ts';
import type { LabServer, LabServerBaseOptions } from '../types.ts';

export interface WsServerOptions extends LabServerBaseOptions {
  /** Server ping interval; 0/undefined = no server pings (the client's pings are still answered). */
  readonly pingMs?: number;
  /** Unanswered server pings tolerated before terminating a client (default 1). */
  readonly maxMissedPongs?: number;
  /** Interval between server messages to every client; 0/undefined = none. */
  readonly messageEveryMs?: number;
  readonly messagePayloadBytes?: number;
  /** Send this many messages right after a client connects (benchmarks). */
  readonly burstOnConnect?: number;
  readonly path?: string;
}

export interface WsLabServer extends LabServer {
  readonly stats: { readonly open: number; readonly opened: number };
  /** Sends one message to every open client now. */
  broadcast(data: string): number;
}

export async function startWsServer(options: WsServerOptions = {}): Promise<WsLabServer> {
  const host = options.host ?? LOOPBACK;
  const path = options.path ?? '/ws';
  const server = http.createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' }).end('WebSocket only\n');
  });
  const wss = new WebSocketServer({ server, path });
  const filler = options.messagePayloadBytes ? 'x'.repeat(options.messagePayloadBytes) : '';
  let opened = 0;
  let seq = 0;
  wss.on('connection', (socket) => {
    opened++;
    socket.on('message', (data, isBinary) => {
      if (socket.readyState === socket.OPEN) socket.send(data, { binary: isBinary });
    });
    socket.on('error', () => socket.terminate());
    if (options.burstOnConnect) burst(socket, options.burstOnConnect, JSON.stringify({ burst: true, filler })).catch(() => socket.terminate());
  });
  // Sends in corked batches of BURST_BATCH frames and waits for the socket to drain, as a busy server
  // flushes its buffer: one write per frame made the client read one or two frames per syscall, so a
  // throughput run measured the kernel (half the client's CPU was system time), not the client.
  const BURST_BATCH = 64;
  /** Resolves on 'drain' or 'close', removing the other listener (a burst waits ~1,500 times). */
  const drained = (raw: Socket): Promise<void> =>
    new Promise((resolve) => {
      const done = () => {
        raw.off('drain', done);
        raw.off('close', done);
        resolve();
      };
      raw.on('drain', done);
      raw.on('close', done);
    });
  async function burst(socket: WebSocket, count: number, data: string): Promise<void> {
    const raw = (socket as unknown as { _socket: Socket })._socket;
    for (let i = 0; i < count && socket.readyState === socket.OPEN; i++) {
      if (i % BURST_BATCH === 0) raw.cork();
      socket.send(data);
      if (i % BURST_BATCH !== BURST_BATCH - 1 && i !== count - 1) continue;
      raw.uncork();
      if (raw.writableNeedDrain) await drained(raw);
    }
  }
  const stopPing = options.pingMs ? wsHeartbeat(wss, { intervalMs: options.pingMs, maxMissedPongs: options.maxMissedPongs }) : () => {};
  const broadcast = (data: string): number => {
    let sent = 0;
    for (const socket of wss.clients) {
      if (socket.readyState !== socket.OPEN) continue;
      socket.send(data);
      sent++;
    }
    return sent;
  };
  const messageTimer = options.messageEveryMs
    ? setInterval(() => broadcast(JSON.stringify({ n: ++seq, ts: Date.now(), filler })), options.messageEveryMs)
    : null;

  const port = await listen(server, options.port ?? 0, host);
  return {
    url: `ws://${hostForUrl(host)}:${port}${path}`,
    port,
    get stats() {
      return { open: wss.clients.size, opened };
    },
    broadcast,
    async close() {
      stopPing();
      if (messageTimer) clearInterval(messageTimer);
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await closeHttp(server);
    },
  };
}
