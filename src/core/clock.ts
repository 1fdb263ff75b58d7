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
 * two clock reads per message were most of the core's cost per message (about 100 ns of it down to 40).
 * The reading is dropped in a microtask, so it never outlives the stretch (the next socket read is
 * handled after it). The wall time is the monotonic reading plus an offset taken from Date.now() at most
 * once a second: a stream whose messages each come in a stretch of their own (grpc-js delivers them
 * asynchronously) then pays one clock read and a microtask, not two clock reads. Fake clocks are read
 * exactly (tests advance them synchronously).
 */
export interface InstantReader {
  now(): number;
  wallNow(): number;
}

const WALL_OFFSET_REFRESH_MS = 1000;
let batchMono = Number.NaN;
let wallOffset = 0;
let wallOffsetAt = Number.NEGATIVE_INFINITY;
const dropBatch = (): void => {
  batchMono = Number.NaN;
};
const batchedSystemClock: InstantReader = {
  now() {
    if (Number.isNaN(batchMono)) {
      batchMono = performance.now();
      queueMicrotask(dropBatch);
    }
    return batchMono;
  },
  wallNow() {
    const mono = this.now();
    if (mono - wallOffsetAt > WALL_OFFSET_REFRESH_MS || mono < wallOffsetAt) {
      wallOffset = Date.now() - mono;
      wallOffsetAt = mono;
    }
    return Math.round(mono + wallOffset);
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
