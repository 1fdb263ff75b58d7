// Measures how long a path tolerates silence: opens one stream with client heartbeats and the
// watchdog off, waits for the drop (or maxMs), and reports what it saw. CLI `probe-idle` and the
// extension's Measure Idle Timeout both run this.

import type { Clock, TimerHandle } from './clock.ts';
import { systemClock } from './clock.ts';
import type { EndpointConfig } from './config.ts';
import { recommendHeartbeatMs } from './diagnosis.ts';
import { StreamHealthError } from './errors.ts';
import type { DropCause } from './events.ts';
import { HopCollector } from './hops.ts';
import type { Hop } from './hops.ts';
import type { CloseShape } from './intermediaries.ts';
import { redact, resolveConfigSecrets, secretHintFor } from './secrets.ts';
import type { SecretHint, SecretResolver } from './secrets.ts';
import { intervals, median } from './stats.ts';
import type { EndInfo, Transport, TransportFactory } from './transport.ts';
import { errorMessage } from './util.ts';

export interface IdleProbeOptions {
  readonly config: EndpointConfig;
  readonly transportFactory: TransportFactory;
  readonly clock?: Clock;
  /** Give up waiting after this long and report that the stream survived. */
  readonly maxMs: number;
  readonly signal?: AbortSignal;
  readonly resolveSecret?: SecretResolver;
  readonly secretHint?: SecretHint;
}

export interface IdleProbeResult {
  /** True when the stream was still open at maxMs (or when the caller aborted). */
  readonly survived: boolean;
  /** Silence before the drop (or the longest silence seen, when it survived). */
  readonly silenceMs: number;
  readonly streamAgeMs: number;
  /** Why it ended; undefined when it survived. */
  readonly cause?: DropCause;
  readonly detail: string;
  readonly openDetail: string;
  readonly serverHeartbeats: { readonly count: number; readonly medianIntervalMs?: number; readonly kind?: string };
  /** A heartbeat interval that keeps this path open; only when the stream died of silence. */
  readonly recommendedHeartbeatMs?: number;
  readonly aborted?: boolean;
  /** The hops the responses named, outermost first (src/core/hops.ts). */
  readonly hops?: readonly Hop[];
  /** How the stream ended on the wire, when the transport could tell. */
  readonly end?: CloseShape;
}

export class IdleProbeError extends StreamHealthError {
  readonly httpStatus?: number;
  constructor(message: string, httpStatus?: number) {
    super('SH_ERR_PROBE_CONNECT', message);
    this.name = 'IdleProbeError';
    if (httpStatus !== undefined) this.httpStatus = httpStatus;
  }
}

/** A silence this short at the drop means the stream died busy, not idle. */
const MIN_IDLE_SILENCE_MS = 500;

export async function runIdleProbe(options: IdleProbeOptions): Promise<IdleProbeResult> {
  const clock = options.clock ?? systemClock;
  // Nothing of ours may keep the stream alive or cut it short: that is what we are measuring.
  const config: EndpointConfig = { ...options.config, heartbeatSeconds: 0, idleTimeoutSeconds: 0 };
  const resolved = await resolveConfigSecrets(config, options.resolveSecret);
  if (!resolved.ok) {
    throw new IdleProbeError(`${config.name}: secret "${resolved.missing}" is not set. ${secretHintFor(options.secretHint, resolved.missing, 'Set it and try again.')}`);
  }
  const secrets = resolved.secrets;

  return new Promise<IdleProbeResult>((resolve, reject) => {
    let transport: Transport | undefined;
    let opened = false;
    let finished = false;
    let openedAt = 0;
    let lastInbound = 0;
    let maxSilence = 0;
    let openDetail = '';
    let heartbeatKind: string | undefined;
    const heartbeatTimes: number[] = [];
    let heartbeatCount = 0;
    let maxTimer: TimerHandle | null = null;
    const collector = new HopCollector();
    const hopsField = () => {
      const hops = collector.hops(config.network?.route);
      return hops.length ? { hops } : {};
    };

    const clearMaxTimer = () => {
      if (maxTimer) clock.clearTimeout(maxTimer);
      maxTimer = null;
    };
    const heartbeats = () => ({
      count: heartbeatCount,
      ...(heartbeatTimes.length > 1 ? { medianIntervalMs: Math.round(median(intervals(heartbeatTimes))!) } : {}),
      ...(heartbeatKind ? { kind: heartbeatKind } : {}),
    });
    const finish = (result: IdleProbeResult | Error) => {
      if (finished) return;
      finished = true;
      clearMaxTimer();
      options.signal?.removeEventListener('abort', onAbort);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const survive = (aborted: boolean) => {
      const now = clock.now();
      const result: IdleProbeResult = {
        survived: true,
        silenceMs: Math.round(Math.max(maxSilence, now - lastInbound)),
        streamAgeMs: Math.round(now - openedAt),
        detail: aborted ? 'probe cancelled' : `stream still open after ${Math.round((now - openedAt) / 1000)} s`,
        openDetail,
        serverHeartbeats: heartbeats(),
        ...(aborted ? { aborted: true } : {}),
        ...hopsField(),
      };
      finish(result);
      try {
        transport?.close('manual', 'idle probe finished');
      } catch {
        // nothing left to free
      }
    };
    const onAbort = () => {
      if (opened) survive(true);
      else {
        finish(new IdleProbeError(`${config.name}: idle probe cancelled before the stream opened`));
        transport?.close('manual', 'idle probe cancelled');
      }
    };

    const ended = (info: EndInfo) => {
      if (finished) return;
      const detail = redact(info.detail, secrets);
      if (!opened) {
        finish(new IdleProbeError(`${config.name}: could not open the stream: ${detail}`, info.httpStatus));
        return;
      }
      const now = clock.now();
      const silenceMs = Math.round(now - lastInbound);
      const diedOfSilence = silenceMs >= MIN_IDLE_SILENCE_MS && info.cause !== 'manual';
      finish({
        survived: false,
        silenceMs,
        streamAgeMs: Math.round(now - openedAt),
        cause: info.cause,
        detail,
        openDetail,
        serverHeartbeats: heartbeats(),
        ...(diedOfSilence ? { recommendedHeartbeatMs: recommendHeartbeatMs(silenceMs) } : {}),
        ...hopsField(),
        ...(info.end ? { end: info.end } : {}),
      });
    };

    if (options.signal?.aborted) {
      finish(new IdleProbeError(`${config.name}: idle probe cancelled before it started`));
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // Bounds the connect phase too: a stream that never opens is an error, not a hang.
    maxTimer = clock.setTimeout(() => {
      maxTimer = null;
      if (opened) return;
      finish(new IdleProbeError(`${config.name}: the stream did not open within ${Math.round(options.maxMs / 1000)} s`));
      transport?.close('manual', 'idle probe gave up connecting');
    }, options.maxMs);
    try {
      transport = options.transportFactory({
        config: resolved.config,
        resume: {},
        attempt: 1,
        sink: {
          opened: (info) => {
            if (finished || opened) return;
            opened = true;
            openedAt = lastInbound = clock.now();
            openDetail = redact(info.detail, secrets);
            clearMaxTimer();
            maxTimer = clock.setTimeout(() => {
              maxTimer = null;
              survive(false);
            }, options.maxMs);
          },
          activity: (activity) => {
            if (finished || !opened) return;
            const now = clock.now();
            maxSilence = Math.max(maxSilence, now - lastInbound);
            lastInbound = now;
            if (activity.heartbeat) {
              heartbeatCount += 1;
              heartbeatKind = activity.heartbeat;
              heartbeatTimes.push(now);
              if (heartbeatTimes.length > 101) heartbeatTimes.shift();
            }
          },
          warning: () => {},
          retryHint: () => {},
          evidence: (evidence) => collector.add(evidence),
          ended,
        },
      });
    } catch (error) {
      finish(new IdleProbeError(`${config.name}: transport failed to start: ${redact(errorMessage(error), secrets)}`));
    }
  });
}
