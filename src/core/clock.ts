// Time as the core sees it: a monotonic clock for durations, wall-clock for display, and unref'd
// timers. Injected everywhere so unit tests run on fake time and nothing here keeps a process alive.

export interface TimerHandle {
  /** Opaque; only `Clock.clearTimeout` uses it. */
  readonly id: unknown;
}

export interface Clock {
  /** Monotonic milliseconds (performance.now()); only differences mean anything. */
  now(): number;
  /** Wall-clock epoch milliseconds, for timestamps shown to people. */
  wallNow(): number;
  /** One-shot timer that never keeps the process alive. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Uniform random in [0, 1); injectable so jitter is testable. */
  random(): number;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  setTimeout(callback, ms) {
    const timer = globalThis.setTimeout(callback, Math.max(0, ms));
    // Node returns an object with unref(); browsers a number. The core never owns the event loop.
    (timer as { unref?: () => void }).unref?.();
    return { id: timer };
  },
  clearTimeout(handle) {
    globalThis.clearTimeout(handle.id as Parameters<typeof globalThis.clearTimeout>[0]);
  },
  random: () => Math.random(),
};

/**
 * The system clock read at most once per synchronous stretch, for the per-message path: a busy stream
 * delivers hundreds of messages from one socket read, which arrived at the same instant anyway, and the
 * two clock reads per message were most of the core's cost per message (about 100 ns of it down to 40). The reading is dropped in a
 * microtask, so it never outlives the stretch (the next socket read is handled after it). Fake clocks
 * are read exactly (tests advance them synchronously).
 */
export interface InstantReader {
  now(): number;
  wallNow(): number;
}

let batchMono = Number.NaN;
let batchWall = Number.NaN;
const dropBatch = (): void => {
  batchMono = Number.NaN;
};
const batchedSystemClock: InstantReader = {
  now() {
    if (Number.isNaN(batchMono)) {
      batchMono = performance.now();
      batchWall = Date.now();
      queueMicrotask(dropBatch);
    }
    return batchMono;
  },
  wallNow() {
    this.now();
    return batchWall;
  },
};

export function instantReader(clock: Clock): InstantReader {
  return clock === systemClock ? batchedSystemClock : clock;
}

export function isoTime(clock: Pick<Clock, 'wallNow'>): string {
  return isoAt(clock.wallNow());
}

// One-entry cache: a busy stream emits many events within the same millisecond, and formatting a
// Date is a large part of an event's cost.
let cachedMs = Number.NaN;
let cachedIso = '';

/** ISO 8601 for epoch milliseconds, formatted once per distinct millisecond. */
export function isoAt(ms: number): string {
  if (ms !== cachedMs) {
    cachedIso = new Date(ms).toISOString();
    cachedMs = ms;
  }
  return cachedIso;
}
