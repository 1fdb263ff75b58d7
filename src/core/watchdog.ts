// The idle watchdog (grpc-js style): a last-activity timestamp plus ONE timer re-armed for the time
// remaining, so a busy stream costs no timer churn. Stale at half the window, expired at the window.

import type { Clock, TimerHandle } from './clock.ts';

/** A timer firing this much later than scheduled means the process was frozen or the machine slept. */
export const CLOCK_JUMP_MIN_MS = 5000;
/** Wall-clock and monotonic deltas that disagree by more than this mean a suspend/resume. */
export const CLOCK_DIVERGENCE_MS = 5000;

export interface WatchdogOptions {
  /** Idle window in ms; 0 turns the watchdog off. */
  readonly windowMs: number;
  readonly clock: Clock;
  /** Once per silence, when it passes half the window. */
  readonly onStale: (silenceMs: number) => void;
  /** When the silence reaches the window; never before. */
  readonly onExpired: (silenceMs: number) => void;
  /** The timer woke far too late or time jumped: check liveness now instead of trusting the silence. */
  readonly onClockJump: (info: { lateByMs: number; divergenceMs: number }) => void;
}

export class Watchdog {
  private readonly options: WatchdogOptions;
  private lastActivityMono = 0;
  private staleReported = false;
  private running = false;
  private timer: TimerHandle | null = null;
  /** When the armed timer should fire (monotonic) and the clocks when it was armed. */
  private timerDue = 0;
  private armedMono = 0;
  private armedWall = 0;

  constructor(options: WatchdogOptions) {
    this.options = options;
  }

  get enabled(): boolean {
    return this.options.windowMs > 0;
  }

  /** Starts (or restarts) the window from now. */
  start(): void {
    this.running = true;
    this.restartWindow();
  }

  /** Forget the silence so far: after a liveness check answered, give the stream a fresh window. */
  restartWindow(): void {
    if (!this.running) return;
    this.lastActivityMono = this.options.clock.now();
    this.staleReported = false;
    this.arm();
  }

  /**
   * Inbound activity: only the timestamp moves; the pending timer re-arms itself when it fires. `nowMono`
   * lets a caller that just read the clock (once per stream message) pass it instead of reading it again.
   */
  activity(nowMono: number = this.options.clock.now()): void {
    this.lastActivityMono = nowMono;
    this.staleReported = false;
  }

  silenceMs(): number {
    return Math.max(0, this.options.clock.now() - this.lastActivityMono);
  }

  stop(): void {
    this.running = false;
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    this.clearTimer();
    if (!this.running || !this.enabled) return;
    const window = this.options.windowMs;
    const threshold = this.staleReported ? window : window / 2;
    const clock = this.options.clock;
    const delay = Math.max(0, this.lastActivityMono + threshold - clock.now());
    this.armedMono = clock.now();
    this.armedWall = clock.wallNow();
    this.timerDue = this.armedMono + delay;
    this.timer = clock.setTimeout(() => this.fire(), delay);
  }

  private fire(): void {
    this.timer = null;
    if (!this.running) return;
    const clock = this.options.clock;
    const window = this.options.windowMs;
    const lateByMs = clock.now() - this.timerDue;
    const divergenceMs = Math.abs(clock.wallNow() - this.armedWall - (clock.now() - this.armedMono));
    if (lateByMs > Math.max(CLOCK_JUMP_MIN_MS, window / 2) || divergenceMs > CLOCK_DIVERGENCE_MS) {
      // A silence measured across a sleep is not evidence of a dead stream: give it a fresh window
      // and let the owner check liveness now (a failed probe drops it sooner than the window would).
      this.restartWindow();
      this.options.onClockJump({ lateByMs, divergenceMs });
      return;
    }
    const silence = this.silenceMs();
    if (silence >= window) {
      this.running = false;
      this.options.onExpired(silence);
      return;
    }
    if (!this.staleReported && silence >= window / 2) {
      this.staleReported = true;
      this.arm();
      this.options.onStale(silence);
      return;
    }
    this.arm();
  }
}
