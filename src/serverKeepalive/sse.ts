// SSE heartbeats: writes `: keepalive` comment lines onto an open text/event-stream response, so every
// proxy on the path sees DATA and does not idle the stream out. EventSource clients ignore comments.

import { checkInterval, KeepaliveOptionError, unrefInterval } from './errors.ts';

/** The parts of a Node `http.ServerResponse` (or http2 stream) the heartbeat needs. */
export interface SseResponseLike {
  write(chunk: string): boolean;
  once(event: 'close', listener: () => void): unknown;
  off?(event: 'close', listener: () => void): unknown;
  readonly headersSent?: boolean;
  readonly writableEnded?: boolean;
  readonly destroyed?: boolean;
}

export interface SseHeartbeatOptions {
  /** Milliseconds between comments; about a third of the shortest idle timeout on the path. */
  readonly intervalMs: number;
  /** Comment text (one line); default `keepalive`, written as `: keepalive\n\n`. */
  readonly comment?: string;
}

/**
 * Starts writing `: <comment>\n\n` every `intervalMs` on `res` until the response closes or the
 * returned function is called. Ticks before the headers are sent are skipped (the stream is not
 * open yet), so it is safe to start right after handing `res` to a framework.
 */
export function sseHeartbeat(res: SseResponseLike, options: SseHeartbeatOptions): () => void {
  const intervalMs = checkInterval('sseHeartbeat', options.intervalMs);
  const comment = options.comment ?? 'keepalive';
  if (/[\r\n]/.test(comment)) {
    throw new KeepaliveOptionError('sseHeartbeat: comment must be a single line (no CR or LF)');
  }
  const frame = `: ${comment}\n\n`;
  let timer: ReturnType<typeof setInterval> | null = unrefInterval(() => {
    if (res.writableEnded || res.destroyed) return stop();
    if (res.headersSent === false) return;
    res.write(frame);
  }, intervalMs);

  function stop(): void {
    if (timer === null) return;
    clearInterval(timer);
    timer = null;
    res.off?.('close', stop);
  }
  res.once('close', stop);
  return stop;
}
