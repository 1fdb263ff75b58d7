// The built-in STAND-IN intermediary: a TCP relay that closes a connection after N seconds with no
// bytes in either direction. Used only when neither nginx nor HAProxy is installed. It is not an L7
// proxy: it counts bytes per connection, not DATA per stream, so traffic on one HTTP/2 stream (or an
// unrelated request on the same connection) keeps every stream of that connection alive.

import * as net from 'node:net';
import { listen, LOOPBACK } from '../net.ts';
import type { LabProxy, LabProxyOptions } from '../types.ts';

export function startIdleProxy(o: LabProxyOptions): Promise<LabProxy> {
  const idleMs = o.idleTimeoutSeconds * 1000;
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: o.upstreamHost ?? LOOPBACK, port: o.upstreamPort });
    const pair = { client, upstream };
    pairs.add(pair);
    let lastActivity = performance.now();
    let timer: ReturnType<typeof setTimeout> | null = null;
    // One timer re-armed for the remaining time, instead of a reset on every chunk.
    const arm = (delay: number): void => {
      timer = setTimeout(() => {
        const idle = performance.now() - lastActivity;
        if (idle >= idleMs) close();
        else arm(idleMs - idle);
      }, delay);
      timer.unref();
    };
    const close = (): void => {
      if (timer) clearTimeout(timer);
      timer = null;
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    const relay = (from: net.Socket, to: net.Socket): void => {
      from.on('data', (chunk) => {
        lastActivity = performance.now();
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
      from.on('end', () => to.end());
      from.on('error', close);
      from.on('close', close);
    };
    relay(client, upstream);
    relay(upstream, client);
    arm(idleMs);
  });
  return listen(server, o.port ?? 0, LOOPBACK).then((port) => ({
    kind: 'builtin' as const,
    port,
    host: LOOPBACK,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const pair of pairs) {
          pair.client.destroy();
          pair.upstream.destroy();
        }
        pairs.clear();
        server.close(() => resolve());
      }),
  }));
}
