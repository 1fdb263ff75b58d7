// Per-POST evidence of one MCP connect (outcome and the quiet gap before it) for the core's
// keepalive-mismatch finding, a one-off sweep of pings at common server keep-alives, and the gap check
// that confirms a suspected one.

import type { PostPurpose } from '../../core/keepaliveMismatch.ts';
import { isKeepaliveFailure } from '../../core/keepaliveMismatch.ts';
import type { TransportSink } from '../../core/transport.ts';
import { requestFailureKind } from '../net/index.ts';

/**
 * The gap check. The race it looks for is a few ms wide: a request reaches the proxy just as the server
 * closes the idle upstream connection (seen through HAProxy 2.6 against a 300 ms Node keep-alive: 502s
 * at 294-300 ms gaps, none at 150 ms). A monitor that pings at one fixed interval never lands there, and
 * jittering the heartbeat would need hundreds of pings to sample a 5 ms window by chance. So the check
 * starts only from evidence: once a POST failed (502/503/504, reset, closed) after a quiet gap and the
 * next one worked, it sends a bounded series of extra pings at that gap (a few ms either side, where the
 * race is) and at half of it (the control: shorter gaps must succeed). The heartbeat's own cadence is
 * untouched: these pings come on top, so "a ping at least every heartbeatSeconds" still holds.
 *
 * The first failure has to come from somewhere, so each endpoint also gets one sweep (KEEPALIVE_SWEEP):
 * a few pings at the gaps where common servers close idle connections, just under each default (the
 * server's idle clock runs from its response, a little before we see it). Only defaults shorter than
 * the heartbeat are swept: with a shorter heartbeat the connection never idles that long.
 */
export const GAP_CHECK = {
  /** Extra pings per check. */
  pings: 24,
  /** Checks per connect attempt. */
  checksPerAttempt: 3,
  /** Offsets (ms) around the failing gap, cycled: the failing gap itself most, since it was a hit. */
  offsetsMs: [0, -1, 1, 0, -2, 2] as readonly number[],
  /** Every fourth ping is a control at this fraction of the gap. */
  controlEvery: 4,
  controlFraction: 0.5,
  /** Failures after shorter or longer gaps do not start a check (busy traffic, or a long idle). */
  minGapMs: 100,
  maxGapMs: 120_000,
} as const;

/**
 * The sweep: server keep-alive defaults (ms at which the server closes an idle connection), the offsets
 * tried under each, in order. gunicorn 2 s; Node <= 22, uvicorn and Apache httpd 5 s; Node 24 6 s
 * (keepAliveTimeout 5 s plus keepAliveTimeoutBuffer 1 s, verified: 502s at 5.998 s gaps behind HAProxy).
 * Longest first: the most common today (Node 24) is found soonest; shorter ones then give the finding
 * the shorter successful gaps it needs.
 */
export const KEEPALIVE_SWEEP = {
  defaultsMs: [6_000, 5_000, 2_000] as readonly number[],
  // The window is 1-2 ms wide (HAProxy against 6 s: a 502 at 5.998 s, none at 5.994-5.997 or 5.999-6.001 s).
  offsetsMs: [-2, -1, -3, 0, -4, 1] as readonly number[],
} as const;

/**
 * Endpoints sweeping at once, per process. A sweep is ~18 extra pings over ~80 s; an agent that starts
 * 10,000 MCP endpoints would otherwise send them all in the same minute (the idle CPU of 250 monitored
 * MCP streams went from 0.3x to 1.8x the SDK client's with every stream sweeping). With the cap the
 * sweep reaches the endpoints in turn: an endpoint that finds no free slot tries again after its next
 * successful POST (its heartbeat).
 */
export const MAX_CONCURRENT_SWEEPS = 8;
let sweeping = 0;

/** The sweep's gaps for a heartbeat: defaults shorter than it, each with its offsets. */
export function sweepGaps(heartbeatMs: number): number[] {
  return KEEPALIVE_SWEEP.defaultsMs.filter((d) => d < heartbeatMs).flatMap((d) => KEEPALIVE_SWEEP.offsetsMs.map((o) => d + o));
}

function purposeOf(what: string): PostPurpose {
  return what === 'ping' ? 'ping' : 'request';
}

/** Sweeps running now in this process (for tests). */
export function sweepsRunning(): number {
  return sweeping;
}

/** What survives reconnects of one endpoint (kept in the transport's ResumeState). */
export interface SweepState {
  /** Sweep gaps not tried yet; empty when the sweep is done. */
  keepaliveSweep?: number[];
}

export class PostLog {
  private readonly sink: TransportSink;
  private readonly sweep: SweepState;
  /** Set by the connect once the session can ping (the era runner's probe). */
  private probe: (() => Promise<unknown>) | undefined;
  private lastEndMono: number | undefined;
  /** The gap of the last failure that may start a check. */
  private suspectGapMs: number | undefined;
  private checkGapMs = 0;
  private checksStarted = 0;
  private checkPingsLeft = 0;
  private checkIndex = 0;
  private checkTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** The purpose of the next POST the timer's ping makes. */
  private nextPurpose: PostPurpose | undefined;
  /** This attempt holds one of the process's MAX_CONCURRENT_SWEEPS slots. */
  private sweepSlot = false;

  /** `sweep` is the endpoint's resume state: the sweep runs once per endpoint, not once per connect. */
  constructor(sink: TransportSink, heartbeatMs = 0, sweep: SweepState = {}) {
    this.sink = sink;
    this.sweep = sweep;
    if (!Array.isArray(sweep.keepaliveSweep)) sweep.keepaliveSweep = heartbeatMs > 0 ? sweepGaps(heartbeatMs) : [];
  }

  /** The ping the gap check sends; set when the era runner can answer liveness probes. */
  setProbe(probe: () => Promise<unknown>): void {
    this.probe = probe;
  }

  /** Call at the start of a POST; returns a function to call with its outcome. */
  begin(what: string): (outcome: { status: number } | { error: unknown }) => void {
    this.clearCheckTimer();
    const start = performance.now();
    const gapMs = this.lastEndMono === undefined ? undefined : Math.round(start - this.lastEndMono);
    const purpose: PostPurpose = this.nextPurpose ?? purposeOf(what);
    this.nextPurpose = undefined;
    return (outcome) => {
      this.lastEndMono = performance.now();
      if (this.stopped) return;
      const sample = 'status' in outcome
        ? { what: purpose, ...(gapMs !== undefined ? { gapMs } : {}), status: outcome.status }
        : { what: purpose, ...(gapMs !== undefined ? { gapMs } : {}), failure: requestFailureKind(outcome.error) };
      this.sink.post?.(sample);
      this.afterPost(isKeepaliveFailure(sample), 'status' in outcome && outcome.status >= 200 && outcome.status < 300, gapMs);
    };
  }

  /** The attempt ended: no more checks. */
  stop(): void {
    this.stopped = true;
    this.clearCheckTimer();
    this.releaseSweepSlot();
  }

  private afterPost(failed: boolean, ok: boolean, gapMs: number | undefined): void {
    if (failed && gapMs !== undefined && gapMs >= GAP_CHECK.minGapMs && gapMs <= GAP_CHECK.maxGapMs && this.checkPingsLeft === 0) {
      this.suspectGapMs = gapMs;
    } else if (ok && this.suspectGapMs !== undefined && this.checkPingsLeft === 0 && this.checksStarted < GAP_CHECK.checksPerAttempt) {
      // The failure was followed by a POST that worked: the path is up, so the failure was the gap's.
      this.checksStarted += 1;
      this.checkGapMs = this.suspectGapMs;
      this.suspectGapMs = undefined;
      this.checkPingsLeft = GAP_CHECK.pings;
      this.checkIndex = 0;
    }
    if (this.checkPingsLeft > 0) this.armCheck();
    else if (ok && this.sweep.keepaliveSweep!.length > 0) this.armSweep();
  }

  /** The gap of the next check ping; its index moves on only when that ping goes out. */
  private nextCheckGapMs(): number {
    const i = this.checkIndex;
    if (i % GAP_CHECK.controlEvery === GAP_CHECK.controlEvery - 1) return Math.round(this.checkGapMs * GAP_CHECK.controlFraction);
    const offsets = GAP_CHECK.offsetsMs;
    return Math.max(1, this.checkGapMs + offsets[(i - Math.floor(i / GAP_CHECK.controlEvery)) % offsets.length]!);
  }

  /** The next check ping goes out a chosen gap after the last POST ended; any other POST re-arms it. */
  private armCheck(): void {
    this.armPing(this.nextCheckGapMs(), 'confirm', () => {
      if (this.checkPingsLeft === 0) return false;
      this.checkPingsLeft -= 1;
      this.checkIndex += 1;
      return true;
    });
  }

  /** The next sweep gap; it counts as tried only once its ping goes out (another POST re-arms it). */
  private armSweep(): void {
    if (!this.sweepSlot) {
      if (sweeping >= MAX_CONCURRENT_SWEEPS) return;
      sweeping += 1;
      this.sweepSlot = true;
    }
    const gaps = this.sweep.keepaliveSweep!;
    this.armPing(gaps[0]!, 'sweep', () => {
      if (gaps.length === 0) return false;
      gaps.shift();
      if (gaps.length === 0) this.releaseSweepSlot();
      return true;
    });
  }

  private releaseSweepSlot(): void {
    if (!this.sweepSlot) return;
    this.sweepSlot = false;
    sweeping -= 1;
  }

  private armPing(gapMs: number, purpose: PostPurpose, take: () => boolean): void {
    const probe = this.probe;
    if (!probe || this.stopped || this.lastEndMono === undefined) return;
    const delay = gapMs - (performance.now() - this.lastEndMono);
    this.checkTimer = setTimeout(() => {
      this.checkTimer = null;
      if (this.stopped || !take()) return;
      this.nextPurpose = purpose;
      // The outcome is recorded by begin(); a failed extra ping is evidence, not a failure of the stream.
      probe().catch(() => undefined);
    }, Math.max(0, delay));
    this.checkTimer.unref();
  }

  private clearCheckTimer(): void {
    if (this.checkTimer) clearTimeout(this.checkTimer);
    this.checkTimer = null;
  }
}
