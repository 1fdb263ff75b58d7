// Client heartbeats / liveness probes on the transport's side channel (MCP ping, WS ping, gRPC
// Health/Check). Liveness is tracked apart from stream activity: an answered probe proves the peer
// is alive, not that the stream is; only the transport decides whether an answer is stream data.

import type { Clock, TimerHandle } from './clock.ts';
import { formatDuration } from './format.ts';
import type { ProbeResult } from './transport.ts';
import { errorMessage } from './util.ts';

/** Consecutive rejected probes that mean the peer is gone. */
export const PROBE_FAILURES_TO_DROP = 2;
/** Probe timeout when the idle window is off: this many heartbeat intervals. */
export const PROBE_TIMEOUT_HEARTBEATS = 3;
/**
 * Each interval is heartbeatMs x (1 +- this), drawn via the clock's random(): streams opened together
 * drift apart instead of probing in one burst. Small enough that the cadence stays what the user set.
 */
export const PROBE_JITTER = 0.1;
/**
 * The jitter takes one of this many evenly spaced values (0.9, 0.95, 1, 1.05, 1.1 x heartbeat), not a
 * continuum: measured with 1,000 streams, continuous jitter gave every probe a wake-up of its own and
 * cost ~60 % more idle CPU; with a few slots, bursts are split but probes still share wake-ups.
 */
export const PROBE_JITTER_SLOTS = 5;

/** The delay before the next probe for a random value r in [0, 1); r = 0.5 gives exactly heartbeatMs. */
export function jitteredIntervalMs(heartbeatMs: number, r: number): number {
  const slot = Math.min(PROBE_JITTER_SLOTS - 1, Math.floor(r * PROBE_JITTER_SLOTS));
  return heartbeatMs * (1 + PROBE_JITTER * ((2 * slot) / (PROBE_JITTER_SLOTS - 1) - 1));
}

export interface KeepaliveOptions {
  readonly clock: Clock;
  readonly heartbeatMs: number;
  /** A probe unanswered this long fails the stream; 0 = use PROBE_TIMEOUT_HEARTBEATS x heartbeat. */
  readonly idleWindowMs: number;
  readonly probe: () => Promise<ProbeResult>;
  readonly onAnswer: (result: ProbeResult) => void;
  /** The peer is considered dead; `detail` says why, for the drop record. */
  readonly onFailure: (detail: string) => void;
}

export class Keepalive {
  private readonly options: KeepaliveOptions;
  private running = false;
  /** Bumped on stop so answers to old probes are ignored. */
  private generation = 0;
  private inFlight = false;
  private consecutiveFailures = 0;
  private intervalTimer: TimerHandle | null = null;
  private probeTimeoutTimer: TimerHandle | null = null;
  /** Monotonic / wall time of the last answered probe. */
  lastOkMono?: number;
  lastOkWall?: number;
  lastRttMs?: number;

  constructor(options: KeepaliveOptions) {
    this.options = options;
  }

  get timeoutMs(): number {
    return this.options.idleWindowMs > 0 ? this.options.idleWindowMs : this.options.heartbeatMs * PROBE_TIMEOUT_HEARTBEATS;
  }

  start(): void {
    if (this.options.heartbeatMs <= 0) return;
    this.running = true;
    this.scheduleNext();
  }

  stop(): void {
    this.running = false;
    this.generation += 1;
    this.inFlight = false;
    this.clearIntervalTimer();
    this.clearProbeTimeoutTimer();
  }

  /** Did the peer answer a probe within the last `withinMs`? */
  peerAnsweredWithin(withinMs: number): boolean {
    return this.lastOkMono !== undefined && this.options.clock.now() - this.lastOkMono <= withinMs;
  }

  /** Probe once now (after a clock jump); resolves true when answered. Independent of the cadence. */
  async checkNow(): Promise<boolean> {
    const generation = this.generation;
    try {
      const result = await withTimeout(this.options.probe(), this.timeoutMs, this.options.clock);
      if (generation !== this.generation) return false;
      this.recordAnswer(result);
      return true;
    } catch {
      return false;
    }
  }

  private clearIntervalTimer(): void {
    if (this.intervalTimer) this.options.clock.clearTimeout(this.intervalTimer);
    this.intervalTimer = null;
  }

  private clearProbeTimeoutTimer(): void {
    if (this.probeTimeoutTimer) this.options.clock.clearTimeout(this.probeTimeoutTimer);
    this.probeTimeoutTimer = null;
  }

  private scheduleNext(): void {
    this.clearIntervalTimer();
    if (!this.running) return;
    this.intervalTimer = this.options.clock.setTimeout(() => {
      this.intervalTimer = null;
      if (!this.running) return;
      this.sendProbe();
      this.scheduleNext();
    }, jitteredIntervalMs(this.options.heartbeatMs, this.options.clock.random()));
  }

  private sendProbe(): void {
    // One probe at a time: a slow answer is judged by its own timeout, not by piling up more.
    if (this.inFlight) return;
    this.inFlight = true;
    const generation = this.generation;
    const sentAt = this.options.clock.now();
    this.probeTimeoutTimer = this.options.clock.setTimeout(() => {
      this.probeTimeoutTimer = null;
      if (generation !== this.generation || !this.running) return;
      this.fail(`liveness probe failed: no answer within ${formatDuration(this.timeoutMs)}`);
    }, this.timeoutMs);
    let promise: Promise<ProbeResult>;
    try {
      promise = this.options.probe();
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (result) => {
        if (generation !== this.generation || !this.running) return;
        this.inFlight = false;
        this.clearProbeTimeoutTimer();
        this.consecutiveFailures = 0;
        this.recordAnswer({ kind: result.kind, rttMs: Number.isFinite(result.rttMs) ? result.rttMs : this.options.clock.now() - sentAt });
      },
      (error: unknown) => {
        if (generation !== this.generation || !this.running) return;
        this.inFlight = false;
        this.clearProbeTimeoutTimer();
        this.consecutiveFailures += 1;
        if (this.consecutiveFailures >= PROBE_FAILURES_TO_DROP) {
          this.fail(`liveness probe failed ${this.consecutiveFailures} times in a row (${errorMessage(error).slice(0, 200)})`);
        }
      },
    );
  }

  private recordAnswer(result: ProbeResult): void {
    this.lastOkMono = this.options.clock.now();
    this.lastOkWall = this.options.clock.wallNow();
    this.lastRttMs = result.rttMs;
    this.options.onAnswer(result);
  }

  private fail(detail: string): void {
    this.stop();
    this.options.onFailure(detail);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, clock: Clock): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clock.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clock.clearTimeout(timer);
        reject(error);
      },
    );
  });
}
