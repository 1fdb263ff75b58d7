// gRPC stream keepalive: re-sends a no-op message on a server-streaming call so L7 proxies (nginx
// grpc_read_timeout, Envoy stream_idle_timeout...) see DATA. HTTP/2 PINGs do not count for them.

import { checkInterval, unrefInterval } from './errors.ts';

/** The parts of a grpc-js `ServerWritableStream` the keepalive needs. */
export interface GrpcWritableCallLike<T> {
  write(message: T): boolean;
  on(event: 'cancelled' | 'close' | 'finish' | 'error', listener: (...args: unknown[]) => void): unknown;
  off?(event: 'cancelled' | 'close' | 'finish' | 'error', listener: (...args: unknown[]) => void): unknown;
  readonly cancelled?: boolean;
  readonly writableEnded?: boolean;
  readonly destroyed?: boolean;
}

export interface GrpcKeepaliveOptions<T> {
  readonly intervalMs: number;
  /**
   * The no-op message: a value, or a function called on each tick (e.g. the current health status).
   * Clients must be able to recognise and ignore it; a repeat of the current state is the usual choice.
   */
  readonly message: T | (() => T);
}

/** Writes `message` every `intervalMs` until the call ends or the returned function is called. */
export function grpcKeepalive<T>(call: GrpcWritableCallLike<T>, options: GrpcKeepaliveOptions<T>): () => void {
  const intervalMs = checkInterval('grpcKeepalive', options.intervalMs);
  const next = typeof options.message === 'function' ? (options.message as () => T) : () => options.message as T;
  let timer: ReturnType<typeof setInterval> | null = unrefInterval(() => {
    if (call.cancelled || call.writableEnded || call.destroyed) return stop();
    call.write(next());
  }, intervalMs);

  const events = ['cancelled', 'close', 'finish', 'error'] as const;
  function stop(): void {
    if (timer === null) return;
    clearInterval(timer);
    timer = null;
    for (const event of events) call.off?.(event, stop);
  }
  for (const event of events) call.on(event, stop);
  return stop;
}
