// The Monitor: one Session per configured endpoint, one event stream, diagnosis after every drop or
// error and on a slow timer (time-based findings), history snapshot/restore, and the user actions. What the CLI and the extension drive.

import type { Clock, TimerHandle } from './clock.ts';
import { isoTime, systemClock } from './clock.ts';
import type { EndpointConfig } from './config.ts';
import { diagnose, DIAGNOSIS } from './diagnosis.ts';
import { UnknownEndpointError } from './errors.ts';
import type { StreamEvent } from './events.ts';
import { Emitter } from './events.ts';
import { isReportable } from './findingNews.ts';
import { HistoryBook } from './history.ts';
import type { EndpointStatus, Finding, HistorySnapshot, MonitorApi, MonitorOptions } from './model.ts';
import { Session } from './session.ts';
import type { SessionState } from './states.ts';
import { deepEqual } from './util.ts';

/**
 * How often findings are re-evaluated without a drop: time-based ones (flapping, the lookback window)
 * appear and clear with time alone. Cheap: endpoints whose history cannot yield a finding are skipped.
 */
export const REDIAGNOSE_INTERVAL_MS = 30_000;

export interface TransitionChange {
  endpoint: string;
  from: SessionState;
  to: SessionState;
}

export class Monitor implements MonitorApi {
  private readonly options: MonitorOptions;
  private readonly clock: Clock;
  private readonly diagnose: typeof diagnose;
  private readonly sessions = new Map<string, Session>();
  private readonly findings = new Map<string, Finding[]>();
  private readonly book = new HistoryBook();
  private readonly events = new Emitter<StreamEvent>();
  private readonly transitions = new Emitter<TransitionChange>();
  private disposed = false;
  private rediagnoseTimer: TimerHandle | null = null;
  /** Problems found by the last restoreHistory(), for the caller to warn about. */
  lastRestoreProblems: string[] = [];

  constructor(options: MonitorOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.diagnose = options.diagnose ?? diagnose;
  }

  update(configs: readonly EndpointConfig[]): void {
    if (this.disposed) return;
    const wanted = new Map(configs.map((c) => [c.name, c]));
    for (const [name, session] of this.sessions) {
      if (!wanted.has(name)) {
        session.dispose();
        this.sessions.delete(name);
        this.findings.delete(name);
      }
    }
    for (const config of configs) {
      const existing = this.sessions.get(config.name);
      if (existing && deepEqual(existing.config, config)) continue;
      existing?.dispose();
      const session = this.createSession(config);
      this.sessions.set(config.name, session);
      // Findings depend on the config (windows, kind); recompute from the history we already have.
      this.findings.set(config.name, this.diagnose(this.book.get(config.name).toJSON(), config, this.clock.wallNow()));
      session.start();
    }
    this.scheduleRediagnosis();
  }

  /** One unref'd timer for all endpoints, armed while there is at least one. */
  private scheduleRediagnosis(): void {
    if (this.rediagnoseTimer || this.disposed || this.sessions.size === 0) return;
    this.rediagnoseTimer = this.clock.setTimeout(() => {
      this.rediagnoseTimer = null;
      if (this.disposed) return;
      for (const name of this.sessions.keys()) {
        const counts = this.book.get(name).counts();
        // No drops, no errors and too few sessions to flap: nothing time can turn into a finding.
        const quiet = counts.drops === 0 && counts.errors === 0 && counts.sessions < DIAGNOSIS.flappingConnects;
        if (quiet && (this.findings.get(name)?.length ?? 0) === 0) continue;
        this.rediagnose(name);
      }
      this.scheduleRediagnosis();
    }, REDIAGNOSE_INTERVAL_MS);
  }

  private createSession(config: EndpointConfig): Session {
    const name = config.name;
    return new Session({
      config,
      transportFactory: this.options.transportFactory,
      clock: this.clock,
      history: () => this.book.get(name),
      ...(this.options.resolveSecret ? { resolveSecret: this.options.resolveSecret } : {}),
      ...(this.options.secretHint ? { secretHint: this.options.secretHint } : {}),
      emitMessages: this.options.emitMessages ?? false,
      emit: (event) => this.events.emit(event),
      onTransition: (from, to) => this.transitions.emit({ endpoint: name, from, to }),
      onRecorded: () => this.rediagnose(name),
      onWarning: (message) => this.options.onWarning?.(name, message),
      findings: () => this.findings.get(name) ?? [],
    });
  }

  /** Emits a `diagnosis` event for each finding that is new or whose evidence grew. */
  private rediagnose(name: string): void {
    const session = this.sessions.get(name);
    if (!session) return;
    const before = new Map((this.findings.get(name) ?? []).map((f) => [f.finding, f]));
    const now = this.diagnose(this.book.get(name).toJSON(), session.config, this.clock.wallNow());
    this.findings.set(name, now);
    for (const f of now) {
      if (!isReportable(before.get(f.finding), f)) continue;
      this.events.emit({
        ts: isoTime(this.clock),
        endpoint: name,
        event: 'diagnosis',
        finding: f.finding,
        message: f.message,
        evidence: f.evidence,
        ...(f.estimateMs !== undefined ? { estimateMs: f.estimateMs } : {}),
        ...(f.recommendedHeartbeatMs !== undefined ? { recommendedHeartbeatMs: f.recommendedHeartbeatMs } : {}),
        ...(f.match !== undefined ? { match: f.match } : {}),
        ...(f.hops?.length ? { hops: f.hops } : {}),
        ...(f.spreadMs !== undefined ? { spreadMs: f.spreadMs } : {}),
      });
    }
  }

  onEvent(listener: (event: StreamEvent) => void): () => void {
    return this.events.on(listener);
  }

  onTransition(listener: (change: TransitionChange) => void): () => void {
    return this.transitions.on(listener);
  }

  status(): EndpointStatus[] {
    return [...this.sessions.values()].map((s) => s.status());
  }

  /** The full findings (with fixes) for one endpoint, as of the last drop, error or periodic re-evaluation. */
  findingsFor(endpoint: string): readonly Finding[] {
    return this.findings.get(endpoint) ?? [];
  }

  history(): HistorySnapshot {
    return this.book.snapshot(this.clock.wallNow());
  }

  restoreHistory(snapshot: HistorySnapshot): void {
    this.lastRestoreProblems = this.book.restore(snapshot);
    for (const [name, session] of this.sessions) {
      session.historyReplaced();
      this.findings.set(name, this.diagnose(this.book.get(name).toJSON(), session.config, this.clock.wallNow()));
    }
  }

  clearHistory(endpoint?: string): void {
    this.book.clear(endpoint);
    for (const [name, session] of this.sessions) if (endpoint === undefined || name === endpoint) session.historyReplaced();
    if (endpoint === undefined) this.findings.clear();
    else this.findings.delete(endpoint);
  }

  reconnect(endpoint?: string): void {
    for (const s of this.targets(endpoint)) s.reconnect();
  }

  pause(endpoint?: string): void {
    for (const s of this.targets(endpoint)) s.pause();
  }

  resume(endpoint?: string): void {
    for (const s of this.targets(endpoint)) s.resumeSession();
  }

  private targets(endpoint?: string): Session[] {
    if (endpoint === undefined) return [...this.sessions.values()];
    const session = this.sessions.get(endpoint);
    if (!session) throw new UnknownEndpointError(endpoint);
    return [session];
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.rediagnoseTimer) this.clock.clearTimeout(this.rediagnoseTimer);
    this.rediagnoseTimer = null;
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
    this.events.clear();
    this.transitions.clear();
  }
}

