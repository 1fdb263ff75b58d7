// A fake Clock for core unit tests: monotonic and wall time move only when the test says so, timers
// fire in order as time advances, and a "sleep" can move wall time without monotonic time.

import type { Clock, TimerHandle } from '../../src/core/clock.ts';

interface FakeTimer {
  readonly id: number;
  readonly due: number;
  readonly callback: () => void;
}

export class FakeClock implements Clock {
  private mono = 1_000;
  private wall: number;
  private timers: FakeTimer[] = [];
  private nextId = 1;
  private randomValues: number[] = [];
  /** Returned by random() when no scripted values are queued. */
  defaultRandom = 0.5;

  constructor(wallStart = Date.UTC(2026, 10, 22, 12, 0, 0)) {
    this.wall = wallStart;
  }

  now(): number {
    return this.mono;
  }
  wallNow(): number {
    return this.wall;
  }
  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer: FakeTimer = { id: this.nextId++, due: this.mono + Math.max(0, ms), callback };
    this.timers.push(timer);
    return { id: timer.id };
  }
  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle.id);
  }
  random(): number {
    return this.randomValues.length > 0 ? this.randomValues.shift()! : this.defaultRandom;
  }

  /** Queue values for random(), e.g. to pin jitter at its extremes. */
  queueRandom(...values: number[]): void {
    this.randomValues.push(...values);
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Advances both clocks by `ms`, firing every timer that falls due, in order, at its due time. */
  advance(ms: number): void {
    const target = this.mono + ms;
    for (let guard = 0; guard < 100_000; guard++) {
      const next = this.earliest();
      if (!next || next.due > target) break;
      // Overdue timers (after freeze) fire now, late; others at exactly their due time.
      if (next.due > this.mono) {
        this.wall += next.due - this.mono;
        this.mono = next.due;
      }
      this.timers = this.timers.filter((t) => t !== next);
      next.callback();
    }
    this.wall += target - this.mono;
    this.mono = target;
  }

  /** Lets queued microtasks (promise callbacks) run, then advances. */
  async advanceAsync(ms: number, step = ms): Promise<void> {
    let left = ms;
    while (left > 0) {
      const d = Math.min(step, left);
      this.advance(d);
      left -= d;
      await flush();
    }
    await flush();
  }

  /** Linux-style suspend: wall-clock jumps, the monotonic clock (and timers) stand still. */
  jumpWall(ms: number): void {
    this.wall += ms;
  }

  /** A process frozen for `ms` (both clocks move) and then every overdue timer fires late. */
  freeze(ms: number): void {
    this.mono += ms;
    this.wall += ms;
    this.advance(0);
  }

  private earliest(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers) if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    return best;
  }
}

/** Resolves after pending promise callbacks have run (several turns, for chained awaits). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
