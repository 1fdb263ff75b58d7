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
 * The clock for one stream's per-message path: `now()` (monotonic) and the wall time of a reading just
 * taken. Fake clocks are read exactly (tests advance them synchronously).
 */
export interface InstantReader {
  now(): number;
  /** The wall time of `mono`, a reading this reader just returned. */
  wallAt(mono: number): number;
}

/** Stretches sampled before the reader decides whether batching pays. */
const SAMPLE_STRETCHES = 256;
/** Batching pays when a stretch holds at least this many reads: a clock read is ~50 ns, the microtask that ends a batch ~90. */
const BATCH_PAYS_AT = 3;
/** Direct reads before sampling again (a stream's shape can change: a replayed backlog, then a trickle). */
const DIRECT_SPAN = 65_536;
const WALL_OFFSET_REFRESH_MS = 1000;
let wallOffset = 0;
let wallOffsetAt = Number.NEGATIVE_INFINITY;

/**
 * The system clock for one stream, read once per synchronous stretch when that pays. A busy SSE stream
 * delivers hundreds of events from one socket read, which arrived at the same instant anyway: one
 * reading serves them all, dropped in a microtask so it never outlives the stretch. A WebSocket under
 * load delivers one or two messages per read and grpc-js one per turn; there the microtask costs more
 * than the read it saves, so the reader samples the stream's stretches and reads directly while they
 * are short. The wall time is the reading plus an offset taken from Date.now() at most once a second.
 */
export class StretchReader implements InstantReader {
  private batchMono = Number.NaN;
  private batching = true;
  private reads = 0;
  private stretches = 0;
  private readonly drop = (): void => {
    this.batchMono = Number.NaN;
  };

  now(): number {
    if (!this.batching) {
      if (++this.reads === DIRECT_SPAN) this.sample();
      return performance.now();
    }
    this.reads++;
    if (!Number.isNaN(this.batchMono)) return this.batchMono;
    const mono = performance.now();
    this.batchMono = mono;
    queueMicrotask(this.drop);
    if (++this.stretches === SAMPLE_STRETCHES) {
      this.batching = this.reads >= SAMPLE_STRETCHES * BATCH_PAYS_AT;
      this.reads = 0;
      this.stretches = 0;
      // A direct reader must not leave this reading behind: if sampling resumed within the same stretch,
      // it would be returned after later readings (time going backwards).
      if (!this.batching) this.batchMono = Number.NaN;
    }
    return mono;
  }

  wallAt(mono: number): number {
    if (mono - wallOffsetAt > WALL_OFFSET_REFRESH_MS || mono < wallOffsetAt) {
      wallOffset = Date.now() - mono;
      wallOffsetAt = mono;
    }
    return Math.round(mono + wallOffset);
  }

  /** True while readings are shared within a stretch (for tests and profiles). */
  get isBatching(): boolean {
    return this.batching;
  }

  private sample(): void {
    this.batchMono = Number.NaN;
    this.batching = true;
    this.reads = 0;
    this.stretches = 0;
  }
}

/** The per-message reader for a stream on `clock`: a StretchReader on the system clock, exact reads otherwise. */
export function instantReader(clock: Clock): InstantReader {
  if (clock === systemClock) return new StretchReader();
  return { now: () => clock.now(), wallAt: () => clock.wallNow() };
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
