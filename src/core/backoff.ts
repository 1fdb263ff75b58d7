// Reconnect delays: exponential, capped, jittered (grpc-js backoff-timeout style), honouring server
// hints (SSE `retry:`, HTTP `Retry-After`) within fixed bounds so a hostile hint cannot stall or storm.

import type { Clock } from './clock.ts';
import type { ReconnectConfig } from './config.ts';

/** A server may not make us retry sooner than this... */
export const HINT_FLOOR_MS = 1000;
/** ...nor later than this (5 minutes). */
export const HINT_CEILING_MS = 300_000;

export class Backoff {
  private readonly config: ReconnectConfig;
  private readonly clock: Pick<Clock, 'random'>;
  /** Consecutive failed attempts since the last reset. */
  private failures = 0;

  constructor(config: ReconnectConfig, clock: Pick<Clock, 'random'>) {
    this.config = config;
    this.clock = clock;
  }

  get attempts(): number {
    return this.failures;
  }

  /** True once `maxAttempts` (> 0) consecutive failures have been counted. */
  get exhausted(): boolean {
    return this.config.maxAttempts > 0 && this.failures >= this.config.maxAttempts;
  }

  /** The un-jittered delay for failure number `n` (1-based). */
  baseDelayMs(n: number): number {
    const initialMs = this.config.initialDelaySeconds * 1000;
    const maxMs = this.config.maxDelaySeconds * 1000;
    return Math.min(maxMs, initialMs * this.config.multiplier ** Math.max(0, n - 1));
  }

  /** Counts one failure and returns how long to wait before the next attempt. */
  next(hintMs?: number): number {
    this.failures += 1;
    const maxMs = this.config.maxDelaySeconds * 1000;
    const base = this.baseDelayMs(this.failures);
    const j = this.config.jitter;
    // Uniform in [base*(1-j), base*(1+j)], then capped: spreads a herd of clients reconnecting at once.
    const jittered = base * (1 - j) + this.clock.random() * 2 * j * base;
    let delay = Math.max(0, Math.min(maxMs, jittered));
    if (hintMs !== undefined && Number.isFinite(hintMs)) {
      delay = Math.max(delay, clampHint(hintMs));
    }
    return Math.round(delay);
  }

  reset(): void {
    this.failures = 0;
  }
}

export function clampHint(hintMs: number): number {
  return Math.min(HINT_CEILING_MS, Math.max(HINT_FLOOR_MS, hintMs));
}
