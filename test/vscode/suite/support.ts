// Helpers for the in-extension-host suite: the extension's test API, settings writes, polling, and a
// real SSE server on loopback whose streams can heartbeat, go silent and be cut like a proxy would.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { StreamHealthTestApi } from '../../../src/extension/main.ts';

export const EXTENSION_ID = 'stream-health.stream-health';

export async function extensionApi(): Promise<StreamHealthTestApi> {
  const ext = vscode.extensions.getExtension<StreamHealthTestApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this extension host`);
  const api = ext.isActive ? ext.exports : await ext.activate();
  // Activation returns before the first read of the settings has been applied.
  await api.ready;
  return api;
}

export async function setUserEndpoints(entries: unknown[] | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('streamHealth').update('endpoints', entries, vscode.ConfigurationTarget.Global);
}

export async function waitFor<T>(what: string, probe: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

export interface SseServer {
  readonly url: (path: string) => string;
  /** Streams opened per path. */
  readonly connects: Map<string, number>;
  /** Authorization header of the last request per path. */
  readonly authorization: Map<string, string | undefined>;
  close(): Promise<void>;
}

/**
 * `/beat/*` heartbeats every 200 ms and stays open; `/cut/*` sends one event and then nothing, and is
 * closed after 700 ms of silence (an idle-killing intermediary); `/auth/*` answers 401 unless the
 * Authorization header is `Bearer s3cret`.
 */
export async function startSseServer(): Promise<SseServer> {
  const connects = new Map<string, number>();
  const authorization = new Map<string, string | undefined>();
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    authorization.set(path, req.headers.authorization);
    if (path.startsWith('/auth/') && req.headers.authorization !== 'Bearer s3cret') {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized');
      return;
    }
    connects.set(path, (connects.get(path) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('data: hello\n\n');
    open.add(res);
    let timer: ReturnType<typeof setInterval> | ReturnType<typeof setTimeout>;
    if (path.startsWith('/cut/')) timer = setTimeout(() => res.destroy(), 700);
    else timer = setInterval(() => res.write(': ping\n\n'), 200);
    res.on('close', () => {
      clearInterval(timer);
      open.delete(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    connects,
    authorization,
    close: () => new Promise<void>((resolve) => {
      for (const res of open) res.destroy();
      server.close(() => resolve());
    }),
  };
}
