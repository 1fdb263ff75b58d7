// Coalesces the core's event flood into at most one panel update per interval (250 ms = 4 per
// second), so a busy endpoint can never freeze the webview. Pure: timers are injected for tests.

import type { StreamEvent } from '../../core/events.ts';

export const FLUSH_INTERVAL_MS = 250;
/** More events than this in one interval: send a full snapshot instead of a huge delta. */
export const MAX_EVENTS_PER_FLUSH = 2000;

export interface BatchTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Batch {
  readonly events: readonly StreamEvent[];
  /** Too many events were queued (or a resync was asked for): the receiver should take a snapshot. */
  readonly resync: boolean;
}

const realTimers: BatchTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class UpdateBatcher {
  private readonly flush: (batch: Batch) => void;
  private readonly timers: BatchTimers;
  private readonly intervalMs: number;
  private queue: StreamEvent[] = [];
  private overflow = false;
  private resyncWanted = false;
  private flushTimer: unknown = undefined;
  private lastFlushAt = -Infinity;
  private disposed = false;
  private readonly now: () => number;

  constructor(flush: (batch: Batch) => void, options: { timers?: BatchTimers; intervalMs?: number; now?: () => number } = {}) {
    this.flush = flush;
    this.timers = options.timers ?? realTimers;
    this.intervalMs = options.intervalMs ?? FLUSH_INTERVAL_MS;
    this.now = options.now ?? (() => performance.now());
  }

  /** Queue an event; `undefined` means "something changed" (a state or the endpoint set). */
  push(event: StreamEvent | undefined): void {
    if (this.disposed) return;
    if (event) {
      if (this.queue.length >= MAX_EVENTS_PER_FLUSH) {
        this.overflow = true;
      } else {
        // `message` events are only volume; the panel needs the rest.
        if (event.event !== 'message') this.queue.push(event);
      }
    }
    this.schedule();
  }

  /** Ask for a full snapshot at the next flush. */
  requestResync(): void {
    if (this.disposed) return;
    this.resyncWanted = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.flushTimer !== undefined) return;
    // Flushes stay at least one interval apart; a lone event after a quiet spell goes out at once.
    const wait = Math.max(0, this.intervalMs - (this.now() - this.lastFlushAt));
    this.flushTimer = this.timers.setTimeout(() => this.fire(), wait);
  }

  private fire(): void {
    this.flushTimer = undefined;
    if (this.disposed) return;
    this.lastFlushAt = this.now();
    const resync = this.overflow || this.resyncWanted;
    const events = resync ? [] : this.queue;
    this.queue = [];
    this.overflow = false;
    this.resyncWanted = false;
    this.flush({ events, resync });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.flushTimer !== undefined) this.timers.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.queue = [];
  }
}
