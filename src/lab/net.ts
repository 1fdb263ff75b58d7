// Small socket helpers for the lab: free ports, waiting for a port to accept, listening an http server.

import * as net from 'node:net';
import type * as http from 'node:http';
import { labErrors } from './errors.ts';

export const LOOPBACK = '127.0.0.1';

/** A port that was free a moment ago (bind port 0, read it, close). */
export function freePort(host = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once a TCP connect to host:port succeeds; polls every 50 ms, bounded by `timeoutMs`. */
export async function waitForPort(port: number, host = LOOPBACK, timeoutMs = 10_000, what = `port ${port}`): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw labErrors.timeout(what, timeoutMs);
}

/** Listens `server` on host:port (0 = free port) and resolves the port actually bound. */
export function listen(server: http.Server | net.Server, port = 0, host = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Closes an http server and every connection it holds (long-lived streams would block close()). */
export function closeHttp(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
