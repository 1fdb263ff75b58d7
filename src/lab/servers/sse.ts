// A plain text/event-stream server for the lab: GET `path` opens a stream that sends numbered events
// (with `id:` lines, honouring Last-Event-ID) and, when asked, `: keepalive` heartbeats via serverKeepalive.

import * as http from 'node:http';
import { sseHeartbeat } from '../../serverKeepalive/sse.ts';
import { closeHttp, hostForUrl, listen, LOOPBACK } from '../net.ts';
import type { LabServer, LabServerBaseOptions } from '../types.ts';

export interface SseServerOptions extends LabServerBaseOptions {
  /** Server heartbeat (SSE comment) interval; 0/undefined = silent. */
  readonly heartbeatMs?: number;
  /** Interval between data events; 0/undefined = none. */
  readonly eventEveryMs?: number;
  /** Bytes of filler in each event's data (throughput benchmarks); default small JSON only. */
  readonly eventPayloadBytes?: number;
  /** Send this many events as fast as the socket takes them right after a stream opens (benchmarks). */
  readonly burstOnConnect?: number;
  readonly path?: string;
}

export interface SseLabServer extends LabServer {
  /** Streams currently open, and opened since start (tests check reconnects with it). */
  readonly stats: { readonly open: number; readonly opened: number };
  /** Sends one event to every open stream now; returns how many streams got it. */
  broadcast(data: string, event?: string): number;
}

export async function startSseServer(options: SseServerOptions = {}): Promise<SseLabServer> {
  const path = options.path ?? '/events';
  const host = options.host ?? LOOPBACK;
  const filler = options.eventPayloadBytes ? 'x'.repeat(options.eventPayloadBytes) : '';
  const streams = new Set<http.ServerResponse>();
  let opened = 0;
  let nextId = 1;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://lab');
    if (url.pathname !== path) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found; the stream is at ${path}\n`);
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET', 'content-type': 'text/plain' }).end('GET only\n');
      return;
    }
    const lastId = Number(req.headers['last-event-id']);
    if (Number.isInteger(lastId) && lastId >= nextId) nextId = lastId + 1;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Tells nginx not to buffer this response even when the lab's config forgets to.
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    streams.add(res);
    opened++;
    const stops: Array<() => void> = [];
    if (options.heartbeatMs) stops.push(sseHeartbeat(res, { intervalMs: options.heartbeatMs }));
    if (options.eventEveryMs) {
      const timer = setInterval(() => send(res, JSON.stringify(filler ? { n: nextId, ts: Date.now(), filler } : { n: nextId, ts: Date.now() }), 'tick'), options.eventEveryMs);
      stops.push(() => clearInterval(timer));
    }
    res.once('close', () => {
      streams.delete(res);
      for (const stop of stops) stop();
    });
    if (options.burstOnConnect) void burst(res, options.burstOnConnect);
  });

  /** Writes `count` events, waiting for 'drain' when the socket buffer is full. */
  async function burst(res: http.ServerResponse, count: number): Promise<void> {
    const data = JSON.stringify({ burst: true, filler });
    for (let i = 0; i < count && !res.destroyed; i++) {
      if (!res.write(`id: ${nextId++}\ndata: ${data}\n\n`)) {
        await new Promise<void>((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        });
      }
    }
  }

  function send(res: http.ServerResponse, data: string, event?: string): void {
    const id = nextId++;
    res.write(`id: ${id}\n${event ? `event: ${event}\n` : ''}data: ${data}\n\n`);
  }

  const port = await listen(server, options.port ?? 0, host);
  return {
    url: `http://${hostForUrl(host)}:${port}${path}`,
    port,
    get stats() {
      return { open: streams.size, opened };
    },
    broadcast(data: string, event?: string): number {
      for (const res of streams) send(res, data, event);
      return streams.size;
    },
    close: () => closeHttp(server),
  };
}
