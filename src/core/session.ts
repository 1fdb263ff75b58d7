// One endpoint's connection lifecycle: the state machine (one transition function), connect with
// resolved secrets, watchdog, keepalive, drop/error recording, backoff and the user actions.

import { Backoff } from './backoff.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { instantReader, isoAt, isoTime } from './clock.ts';
import type { InstantReader } from './clock.ts';
import type { EndpointConfig } from './config.ts';
import { idleWindowMs } from './config.ts';
import { IllegalTransitionError, MissingSecretError } from './errors.ts';
import type { DropCause, ProtocolCodes, StreamEvent } from './events.ts';
import { formatDuration } from './format.ts';
import { dropEventBody, errorEventBody, type EndpointHistoryStore } from './history.ts';
import { HopCollector } from './hops.ts';
import { Keepalive } from './keepalive.ts';
import { isKeepaliveFailure } from './keepaliveMismatch.ts';
import { describeRoute } from './network.ts';
import type { DropRecord, EndpointStatus, ErrorRecord, Finding } from './model.ts';
import { redact, redactUrl, resolveConfigSecrets, secretHintFor } from './secrets.ts';
import type { SecretHint, SecretResolver } from './secrets.ts';
import { canTransition, isLive, SessionState } from './states.ts';
import type { Activity, EndInfo, OpenInfo, ResumeState, Transport, TransportFactory, TransportSink } from './transport.ts';
import { errorMessage } from './util.ts';
import { Watchdog } from './watchdog.ts';

/** Without an idle window, a session must stay open this long before the backoff resets. */
export const MIN_UPTIME_WITHOUT_WINDOW_MS = 60_000;
const DEFAULT_SECRET_HINT = 'Set the secret and reconnect.';

/** Events as the session builds them; the session adds `ts` and `endpoint`. */
type EventBody = StreamEvent extends infer E ? (E extends StreamEvent ? Omit<E, 'ts' | 'endpoint'> : never) : never;

export interface SessionOptions {
  readonly config: EndpointConfig;
  readonly transportFactory: TransportFactory;
  readonly clock: Clock;
  /** A getter, because restoring or clearing history replaces the store. */
  readonly history: () => EndpointHistoryStore;
  readonly resolveSecret?: SecretResolver;
  readonly secretHint?: SecretHint;
  readonly emitMessages?: boolean;
  readonly emit: (event: StreamEvent) => void;
  readonly onTransition: (from: SessionState, to: SessionState) => void;
  /** Called after a drop or error was recorded (the monitor re-runs diagnosis). */
  readonly onRecorded?: () => void;
  readonly onWarning?: (message: string) => void;
  /** Current findings for status(); owned by the monitor. */
  readonly findings?: () => readonly Finding[];
}

interface DropExtra extends ProtocolCodes {
  readonly peerAlive?: boolean;
  readonly htmlErrorPage?: boolean;
  readonly end?: DropRecord['end'];
}

export class Session {
  readonly config: EndpointConfig;
  private readonly options: SessionOptions;
  private readonly clock: Clock;
  /** The clock for per-message bookkeeping (one reading per synchronous stretch when that pays, on the system clock). */
  private readonly instant: InstantReader;
  private stateValue: SessionState = SessionState.Idle;
  private readonly backoff: Backoff;
  private readonly watchdog: Watchdog;
  private keepalive: Keepalive | null = null;
  private transport: Transport | null = null;
  /** Identifies the current connect attempt; bumped when it ends so late sink calls are ignored. */
  private generation = 0;
  /** The hops this connect's responses named; replaced at each connect so a drop carries its own path. */
  private hopCollector = new HopCollector();
  private backoffTimer: TimerHandle | null = null;
  /** Resets the backoff once the stream has stayed open for resetAfterMs: the one place that rule lives. */
  private backoffResetTimer: TimerHandle | null = null;
  private disposed = false;
  private readonly resume: ResumeState = {};
  /** SSE `retry:` from the server, applied to later reconnects. */
  private serverRetryHintMs: number | undefined;
  /** Resolved secret values of the current attempt, redacted from everything we emit. */
  private secrets: string[] = [];
  private openedMono = 0;
  private openedWall: number | undefined;
  private lastInboundMono = 0;
  private lastInboundWall: number | undefined;
  /** The longest inbound gap this session has given to the history (reset when the history is replaced). */
  private silenceNoted = 0;
  private lastHeartbeatInWall: number | undefined;
  private lastHeartbeatOutWall: number | undefined;
  private lastProbeRttMs: number | undefined;
  private nextAttemptWall: number | undefined;
  private openDetail: string | undefined;
  private lastDrop: DropRecord | undefined;
  private lastError: (ErrorRecord & { at: number }) | undefined;
  private reason: string | undefined;

  constructor(options: SessionOptions) {
    this.options = options;
    this.config = options.config;
    this.clock = options.clock;
    this.instant = instantReader(options.clock);
    this.backoff = new Backoff(options.config.reconnect, options.clock);
    this.watchdog = new Watchdog({
      windowMs: idleWindowMs(options.config),
      clock: options.clock,
      onStale: (silenceMs) => this.onStale(silenceMs),
      onExpired: (silenceMs) => this.onWatchdogExpired(silenceMs),
      onClockJump: () => this.onClockJump(),
    });
  }

  get state(): SessionState {
    return this.stateValue;
  }

  get name(): string {
    return this.config.name;
  }

  /** The only way the state changes: refuses moves states.ts does not allow, then tells listeners. */
  private transition(to: SessionState): void {
    const from = this.stateValue;
    if (!canTransition(from, to)) throw new IllegalTransitionError(this.name, from, to);
    this.stateValue = to;
    this.options.onTransition(from, to);
  }

  private emit(body: EventBody): void {
    this.options.emit({ ts: isoTime(this.clock), endpoint: this.name, ...body } as StreamEvent);
  }

  private get history(): EndpointHistoryStore {
    return this.options.history();
  }

  private get resetAfterMs(): number {
    const window = idleWindowMs(this.config);
    return window > 0 ? window : MIN_UPTIME_WITHOUT_WINDOW_MS;
  }

  /** The history store was cleared or restored: gaps must be noted again from the first one. */
  historyReplaced(): void {
    this.silenceNoted = 0;
  }

  // ---- user actions -------------------------------------------------------------------------

  start(): void {
    if (this.disposed || this.stateValue !== SessionState.Idle) return;
    this.connect();
  }

  /** Drops the current stream (cause `manual`) and connects at once with the backoff reset. */
  reconnect(): void {
    if (this.disposed) return;
    if (this.stateValue === SessionState.Paused) {
      this.resumeSession();
      return;
    }
    if (isLive(this.stateValue)) {
      this.recordDrop('manual', 'reconnect requested by the user', {});
      this.detachTransport('manual', 'reconnect requested');
      this.transition(SessionState.Dropped);
    } else if (this.stateValue === SessionState.Connecting) {
      this.detachTransport('manual', 'reconnect requested');
      this.transition(SessionState.Idle);
    }
    this.clearBackoffTimer();
    this.backoff.reset();
    this.reason = undefined;
    this.connect();
  }

  pause(): void {
    if (this.disposed || this.stateValue === SessionState.Paused) return;
    if (isLive(this.stateValue)) this.recordDrop('manual', 'paused by the user', {});
    this.detachTransport('manual', 'paused');
    this.clearBackoffTimer();
    this.nextAttemptWall = undefined;
    this.transition(SessionState.Paused);
    this.reason = 'paused by the user';
    this.emit({ event: 'paused' });
  }

  resumeSession(): void {
    if (this.disposed || this.stateValue !== SessionState.Paused) return;
    this.backoff.reset();
    this.reason = undefined;
    this.emit({ event: 'resumed' });
    this.connect();
  }

  /** Closes the stream and every timer; the session can be started again (config change). */
  stop(): void {
    if (isLive(this.stateValue)) {
      this.history.closeSession(this.clock.wallNow(), Math.round(this.clock.now() - this.openedMono), 'manual', 'monitor stopped');
    }
    this.detachTransport('manual', 'monitor stopped');
    this.clearBackoffTimer();
    this.nextAttemptWall = undefined;
    if (this.stateValue !== SessionState.Idle) this.transition(SessionState.Idle);
  }

  dispose(): void {
    if (this.disposed) return;
    this.stop();
    this.disposed = true;
  }

  // ---- connecting ---------------------------------------------------------------------------

  private connect(): void {
    this.clearBackoffTimer();
    this.nextAttemptWall = undefined;
    this.transition(SessionState.Connecting);
    const attempt = this.backoff.attempts + 1;
    const generation = ++this.generation;
    this.hopCollector = new HopCollector();
    this.history.recordConnect(this.clock.wallNow());
    this.emit({ event: 'connecting', attempt });
    void this.openTransport(generation, attempt);
  }

  private async openTransport(generation: number, attempt: number): Promise<void> {
    const resolved = await resolveConfigSecrets(this.config, this.options.resolveSecret);
    if (generation !== this.generation || this.stateValue !== SessionState.Connecting) return;
    if (!resolved.ok) {
      const error = new MissingSecretError(this.name, resolved.missing, secretHintFor(this.options.secretHint, resolved.missing, DEFAULT_SECRET_HINT));
      this.generation += 1;
      this.recordError({ cause: 'config', message: error.message });
      this.fail(error.message);
      return;
    }
    this.secrets = resolved.secrets;
    const sink = this.makeSink(generation);
    let transport: Transport | undefined;
    try {
      transport = this.options.transportFactory({ config: resolved.config, sink, resume: this.resume, attempt });
    } catch (error) {
      sink.ended({ cause: 'protocol-error', error: 'connect-failed', detail: `transport failed to start: ${errorMessage(error).slice(0, 200)}`, retryable: true });
    }
    // The factory may already have reported the end synchronously; then there is nothing to keep.
    if (transport && generation === this.generation) {
      this.transport = transport;
      this.startKeepalive();
    }
  }

  private makeSink(generation: number): TransportSink {
    const current = () => generation === this.generation && !this.disposed;
    return {
      opened: (info) => {
        if (current() && this.stateValue === SessionState.Connecting) this.onOpened(info);
      },
      activity: (activity) => {
        if (current() && isLive(this.stateValue)) this.onActivity(activity);
      },
      warning: (message) => {
        if (!current()) return;
        this.history.recordWarning();
        this.options.onWarning?.(this.clean(message));
      },
      retryHint: (ms) => {
        if (current() && Number.isFinite(ms) && ms >= 0) this.serverRetryHintMs = ms;
      },
      evidence: (evidence) => {
        if (current()) this.hopCollector.add(evidence);
      },
      post: (sample) => {
        if (!current()) return;
        // Failures carry the path, so the finding can name the hop that reused the closed connection.
        const hops = isKeepaliveFailure(sample) ? this.hops() : [];
        const worthDiagnosing = this.history.recordPost({ at: this.clock.wallNow(), ...sample, ...(hops.length ? { hops } : {}) });
        if (worthDiagnosing) this.options.onRecorded?.();
      },
      ended: (info) => {
        if (current()) this.onEnded(info);
      },
    };
  }

  // ---- stream events ------------------------------------------------------------------------

  private onOpened(info: OpenInfo): void {
    const now = this.clock.now();
    this.transition(SessionState.Open);
    this.openedMono = now;
    this.openedWall = this.clock.wallNow();
    this.lastInboundMono = now;
    this.lastInboundWall = this.openedWall;
    this.openDetail = this.clean(info.detail);
    this.lastError = undefined;
    this.reason = undefined;
    this.history.openSession(this.openedWall, this.openDetail);
    this.emit({ event: 'open', detail: this.openDetail });
    this.watchdog.start();
    this.startKeepalive();
    this.backoffResetTimer = this.clock.setTimeout(() => {
      this.backoffResetTimer = null;
      // Only a session that outlived its window proves the path works; an instant drop must keep growing the delay.
      if (isLive(this.stateValue)) this.backoff.reset();
    }, this.resetAfterMs);
  }

  /** Client heartbeats need the transport object; a transport may open before its factory returned it. */
  private startKeepalive(): void {
    const transport = this.transport;
    const probe = transport?.probe;
    if (!probe || this.keepalive || !isLive(this.stateValue)) return;
    this.keepalive = new Keepalive({
      clock: this.clock,
      heartbeatMs: this.config.heartbeatSeconds * 1000,
      idleWindowMs: idleWindowMs(this.config),
      probe: () => probe.call(transport),
      onAnswer: (result) => this.onProbeAnswer(result.kind, result.rttMs),
      onFailure: (detail) => {
        if (isLive(this.stateValue)) this.abort('watchdog', detail, { peerAlive: false });
      },
    });
    this.keepalive.start();
  }

  private onActivity(activity: Activity): void {
    const now = this.instant.now();
    const gap = now - this.lastInboundMono;
    // Only a gap longer than any already given to the history can raise its maximum: the store is
    // looked up once per new maximum, not once per message.
    if (gap > this.silenceNoted) {
      this.silenceNoted = gap;
      this.history.noteSilence(gap);
    }
    // Messages of one stretch share a reading, and so its wall time (a reading and its wall time are
    // taken together, so the system clock gives the same answer; a fake clock's wall-only jump shows at the next reading).
    if (now !== this.lastInboundMono || this.lastInboundWall === undefined) this.lastInboundWall = this.instant.wallAt(now);
    this.lastInboundMono = now;
    this.watchdog.activity(now);
    if (this.stateValue === SessionState.Stale) {
      this.transition(SessionState.Open);
      // A gap over half the window was just recorded: findings such as no-server-heartbeat may now apply.
      this.options.onRecorded?.();
    }
    // The per-message path (a gRPC Watch message is a heartbeat): events built as literals in the
    // contract's field order, no spread, and the ISO timestamp cached per millisecond.
    if (activity.heartbeat) {
      const wall = this.lastInboundWall;
      if (!activity.probeReply) {
        this.lastHeartbeatInWall = wall;
        this.history.recordHeartbeat('in', wall, activity.heartbeat);
      }
      this.options.emit({ ts: isoAt(wall), endpoint: this.config.name, event: 'heartbeat', direction: 'in', kind: activity.heartbeat });
    } else if (this.options.emitMessages) {
      this.options.emit({ ts: isoAt(this.lastInboundWall), endpoint: this.config.name, event: 'message', bytes: activity.bytes });
    }
  }

  private onProbeAnswer(kind: string, rttMs: number): void {
    this.lastHeartbeatOutWall = this.clock.wallNow();
    this.lastProbeRttMs = Math.round(rttMs);
    this.history.recordHeartbeat('out', this.lastHeartbeatOutWall, kind, rttMs);
    this.emit({ event: 'heartbeat', direction: 'out', kind, rttMs: Math.round(rttMs) });
  }

  private onStale(silenceMs: number): void {
    if (this.stateValue !== SessionState.Open) return;
    this.transition(SessionState.Stale);
    this.emit({ event: 'stale', silenceMs: Math.round(silenceMs) });
  }

  private onWatchdogExpired(silenceMs: number): void {
    if (!isLive(this.stateValue)) return;
    const windowMs = idleWindowMs(this.config);
    // Liveness is tracked apart from the stream: a peer that answers probes but sends nothing on
    // the stream means the stream (or a proxy on it) is dead, not the peer.
    const peerAlive = this.keepalive?.peerAnsweredWithin(windowMs) ?? false;
    const detail = peerAlive
      ? `stream silent ${formatDuration(silenceMs)} while the peer answered liveness probes`
      : `no inbound data for ${formatDuration(silenceMs)} (idle window ${formatDuration(windowMs)})`;
    this.abort('watchdog', detail, peerAlive ? { peerAlive: true } : {});
  }

  /** After a sleep the measured silence means nothing: ask the peer now rather than drop or trust. */
  private onClockJump(): void {
    const keepalive = this.keepalive;
    if (!keepalive) return; // the watchdog already gave the stream one fresh window
    const generation = this.generation;
    void keepalive.checkNow().then((answered) => {
      if (generation !== this.generation || !isLive(this.stateValue)) return;
      if (answered) {
        this.watchdog.restartWindow();
        if (this.stateValue === SessionState.Stale) this.transition(SessionState.Open);
      } else {
        this.abort('watchdog', 'liveness probe failed after a clock jump (sleep or suspend)', { peerAlive: false });
      }
    });
  }

  private onEnded(info: EndInfo): void {
    this.generation += 1;
    this.transport = null;
    this.stopStreamTimers();
    const detail = this.clean(info.detail);
    const extra: DropExtra = {
      ...(info.httpStatus !== undefined ? { httpStatus: info.httpStatus } : {}),
      ...(info.grpcCode !== undefined ? { grpcCode: info.grpcCode } : {}),
      ...(info.wsCloseCode !== undefined ? { wsCloseCode: info.wsCloseCode } : {}),
      ...(info.htmlErrorPage ? { htmlErrorPage: true } : {}),
      ...(info.end ? { end: info.end } : {}),
    };
    if (this.stateValue === SessionState.Connecting) {
      const hops = this.hops();
      this.recordError({
        cause: info.error ?? 'connect-failed', message: detail,
        ...(info.httpStatus !== undefined ? { httpStatus: info.httpStatus } : {}),
        ...(info.htmlErrorPage ? { htmlErrorPage: true } : {}),
        ...(hops.length ? { hops } : {}),
      });
      this.afterFailure(info.retryable, info.retryAfterMs, detail, info.error === 'auth');
    } else if (isLive(this.stateValue)) {
      this.recordDrop(info.cause, detail, extra);
      this.transition(SessionState.Dropped);
      this.afterFailure(info.retryable, info.retryAfterMs, detail);
    }
  }

  /** The core ends a live stream itself (watchdog, failed liveness probe). */
  private abort(cause: DropCause, detail: string, extra: DropExtra): void {
    this.recordDrop(cause, detail, extra);
    this.detachTransport(cause, detail);
    this.transition(SessionState.Dropped);
    this.afterFailure(true, undefined, detail);
  }

  // ---- after a failure ----------------------------------------------------------------------

  private afterFailure(retryable: boolean, retryAfterMs: number | undefined, detail: string, signIn = false): void {
    if (!retryable) {
      // Sign-in required is `failed` with cause `auth` (model.ts needsSignIn): no retries, the user acts.
      this.fail(signIn ? `${detail} (not retried until you sign in)` : `${detail} (not retried; fix the cause, then reconnect)`);
      return;
    }
    const delayMs = this.backoff.next(retryAfterMs ?? this.serverRetryHintMs);
    if (this.backoff.exhausted) {
      this.fail(`gave up after ${this.backoff.attempts} failed attempts (reconnect.maxAttempts); last: ${detail}`);
      return;
    }
    this.transition(SessionState.Backoff);
    this.nextAttemptWall = this.clock.wallNow() + delayMs;
    this.emit({ event: 'backoff', attempt: this.backoff.attempts + 1, delayMs });
    this.backoffTimer = this.clock.setTimeout(() => {
      this.backoffTimer = null;
      if (this.stateValue === SessionState.Backoff && !this.disposed) this.connect();
    }, delayMs);
  }

  private fail(reason: string): void {
    this.clearBackoffTimer();
    this.nextAttemptWall = undefined;
    this.reason = reason;
    this.transition(SessionState.Failed);
  }

  // ---- records ------------------------------------------------------------------------------

  /** Records and emits a drop of the live stream. */
  private recordDrop(cause: DropCause, detail: string, extra: DropExtra): void {
    const now = this.clock.now();
    const wall = this.clock.wallNow();
    const streamAgeMs = Math.round(now - this.openedMono);
    const silenceMs = Math.round(now - this.lastInboundMono);
    const hops = this.hops();
    const drop: DropRecord = { at: wall, cause, streamAgeMs, silenceMs, detail, ...extra, ...(hops.length ? { hops } : {}) };
    this.lastDrop = drop;
    this.history.recordDrop(drop);
    this.history.closeSession(wall, streamAgeMs, cause, '');
    this.emit(dropEventBody(drop));
    this.options.onRecorded?.();
  }

  /** The path of the current connect: the forward proxy it was routed through, then what the responses named. */
  private hops() {
    return this.hopCollector.hops(this.config.network?.route);
  }

  private recordError(error: Omit<ErrorRecord, 'at'>): void {
    const record: ErrorRecord = { at: this.clock.wallNow(), ...error };
    this.lastError = record;
    this.history.recordError(record);
    this.emit(errorEventBody(record));
    this.options.onRecorded?.();
  }

  // ---- timers and teardown ------------------------------------------------------------------

  private stopStreamTimers(): void {
    if (this.backoffResetTimer) this.clock.clearTimeout(this.backoffResetTimer);
    this.backoffResetTimer = null;
    this.watchdog.stop();
    this.keepalive?.stop();
    this.keepalive = null;
  }

  private clearBackoffTimer(): void {
    if (this.backoffTimer) this.clock.clearTimeout(this.backoffTimer);
    this.backoffTimer = null;
  }

  /** Forgets the current attempt first (so its late reports are ignored), then closes it. */
  private detachTransport(cause: DropCause, detail: string): void {
    this.generation += 1;
    this.stopStreamTimers();
    const transport = this.transport;
    this.transport = null;
    if (!transport) return;
    try {
      transport.close(cause, detail);
    } catch {
      // A transport that throws on close has nothing left for us to free.
    }
  }

  private clean(text: string): string {
    return redact(String(text ?? ''), this.secrets);
  }

  // ---- status -------------------------------------------------------------------------------

  status(): EndpointStatus {
    const live = isLive(this.stateValue);
    const opt = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));
    return {
      name: this.name,
      kind: this.config.kind,
      url: redactUrl(this.config.url),
      state: this.stateValue,
      ...opt('openedAt', live ? this.openedWall : undefined),
      ...opt('lastInboundAt', this.lastInboundWall ?? (live ? this.openedWall : undefined)),
      ...opt('lastHeartbeatInAt', this.lastHeartbeatInWall),
      ...opt('lastHeartbeatOutAt', this.lastHeartbeatOutWall),
      // Every answered probe is an outbound heartbeat, so the last one is the last liveness proof.
      ...opt('lastProbeOkAt', this.lastHeartbeatOutWall),
      ...opt('lastProbeRttMs', this.lastProbeRttMs),
      attempt: this.backoff.attempts,
      ...opt('nextAttemptAt', this.stateValue === SessionState.Backoff ? this.nextAttemptWall : undefined),
      ...opt('openDetail', this.openDetail),
      ...opt('lastDrop', this.lastDrop),
      ...opt('lastError', this.lastError),
      ...opt('reason', this.reason),
      findings: this.options.findings?.() ?? [],
      heartbeatSeconds: this.config.heartbeatSeconds,
      idleTimeoutSeconds: this.config.idleTimeoutSeconds,
      ...opt('route', this.config.network.route.mode === 'proxy' ? describeRoute(this.config.network.route) : undefined),
      ...opt('tlsUnverified', this.config.tls.rejectUnauthorized ? undefined : (true as const)),
    };
  }
}
