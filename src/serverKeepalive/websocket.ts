// WebSocket heartbeat: pings every peer each interval and terminates a peer that did not answer the
// previous ping with a pong (the `ws` README's recipe, packaged). Pings are frames, so proxies see DATA.

import type { WebSocket, WebSocketServer } from 'ws';
import { checkInterval, KeepaliveOptionError, unrefInterval } from './errors.ts';

export interface WsHeartbeatOptions {
  readonly intervalMs: number;
  /**
   * Unanswered pings tolerated before terminating (default 1: a peer must answer each ping before the
   * next). Raise it for peers whose event loop may stall longer than one interval.
   */
  readonly maxMissedPongs?: number;
  /** Called just before a silent peer is terminated (for logs/metrics). */
  readonly onTerminate?: (socket: WebSocket) => void;
}

const OPEN = 1;

/**
 * Heartbeats one socket, or every socket of a server (present and future). A peer that has not
 * answered the last ping (pong, or any message) by the next tick (or the last `maxMissedPongs`
 * pings) is terminated, which frees the server from half-dead connections. Returns a stop function.
 */
export function wsHeartbeat(target: WebSocketServer | WebSocket, options: WsHeartbeatOptions): () => void {
  const intervalMs = checkInterval('wsHeartbeat', options.intervalMs);
  const maxMissed = options.maxMissedPongs ?? 1;
  if (!Number.isInteger(maxMissed) || maxMissed < 1) throw new KeepaliveOptionError('wsHeartbeat: maxMissedPongs must be a whole number >= 1');
  // Pings sent since the peer last answered.
  const awaitingPong = new WeakMap<WebSocket, number>();
  // socket -> its listener, so stop() can detach everything it attached.
  const tracked = new Map<WebSocket, () => void>();
  const isServer = 'clients' in target;

  const track = (socket: WebSocket): void => {
    if (tracked.has(socket)) return;
    const alive = (): void => void awaitingPong.set(socket, 0);
    tracked.set(socket, alive);
    awaitingPong.set(socket, 0);
    socket.on('pong', alive);
    socket.on('message', alive);
    socket.once('close', () => untrack(socket));
  };
  const untrack = (socket: WebSocket): void => {
    const alive = tracked.get(socket);
    if (!alive) return;
    tracked.delete(socket);
    socket.off('pong', alive);
    socket.off('message', alive);
  };

  const tick = (): void => {
    const sockets = isServer ? (target as WebSocketServer).clients : [target as WebSocket];
    for (const socket of sockets) {
      track(socket);
      if (socket.readyState !== OPEN) continue;
      const unanswered = awaitingPong.get(socket) ?? 0;
      if (unanswered >= maxMissed) {
        options.onTerminate?.(socket);
        socket.terminate();
        continue;
      }
      awaitingPong.set(socket, unanswered + 1);
      socket.ping();
    }
  };

  if (isServer) {
    for (const socket of (target as WebSocketServer).clients) track(socket);
    (target as WebSocketServer).on('connection', track);
  } else {
    track(target as WebSocket);
  }
  let timer: ReturnType<typeof setInterval> | null = unrefInterval(tick, intervalMs);

  return function stop(): void {
    if (timer === null) return;
    clearInterval(timer);
    timer = null;
    if (isServer) (target as WebSocketServer).off('connection', track);
    for (const socket of [...tracked.keys()]) untrack(socket);
  };
}
