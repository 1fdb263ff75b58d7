// Runs the Monitor for the endpoints in settings: starts, restarts and stops sessions as settings,
// workspace trust and secrets change, logs and persists what happens, and serves live data to the
// status bar and the dashboard. The Monitor is created only once some endpoint is configured.

import * as vscode from 'vscode';
import { secretNames, withNetwork, type EndpointConfig } from '../core/config.ts';
import type { StreamEvent } from '../core/events.ts';
import { FindingNews } from '../core/findingNews.ts';
import type { EndpointStatus, HistorySnapshot, MonitorApi, MonitorOptions } from '../core/model.ts';
import { HISTORY_SCHEMA_VERSION } from '../core/model.ts';
import type { BlockedEndpoint } from '../shared/protocol.ts';
import { lazyTransports } from '../transports/loader.ts';
import { renewAccount } from './commands/signIn.ts';
import type { HistoryFile } from './historyFile.ts';
import type { Log } from './log.ts';
import { DiagnosisNotifier } from './notifications.ts';
import type { Redactor } from './redaction.ts';
import type { SecretStore } from './secretStore.ts';
import { describeNetwork, networkSecrets } from './proxySettings.ts';
import { HTTP_SECTION, readSettings, SECTION, type SettingsSnapshot } from './settingsReader.ts';
import type { SecretSignInStore } from './signInStore.ts';
import { resolveEndpointSettings, type ResolvedSettings, type SettingsIssue, type SettingsLevel } from './settingsModel.ts';
import { Disposable, toDisposable } from './util/dispose.ts';

const SIGN_IN = 'Sign In';
export const SECRET_HINT = 'Run "Stream Health: Set Header Secret…" to store it.';

export interface EndpointManagerDeps {
  /** May load the core lazily: nothing heavy is evaluated until an endpoint is configured. */
  readonly createMonitor: (options: MonitorOptions) => MonitorApi | Promise<MonitorApi>;
  readonly secrets: SecretStore;
  /** OAuth sign-ins: endpoints with one connect with its (refreshed) bearer token. */
  readonly signIns: SecretSignInStore;
  readonly redactor: Redactor;
  readonly log: Log;
  readonly historyFile: HistoryFile;
  /** Wraps the SecretStorage resolver, e.g. with discovered servers' env forms and in-memory tokens. */
  readonly wrapResolver?: (base: (name: string) => Promise<string | undefined>) => (name: string) => Promise<string | undefined> | string | undefined;
}

const EMPTY: ResolvedSettings = { endpoints: [], origin: new Map(), issues: [], warnings: [], blocked: [] };

function emptyHistory(): HistorySnapshot {
  return { schemaVersion: HISTORY_SCHEMA_VERSION, savedAt: new Date().toISOString(), endpoints: {} };
}

export class EndpointManager extends Disposable {
  private readonly deps: EndpointManagerDeps;
  private monitor: MonitorApi | undefined;
  private resolved: ResolvedSettings = EMPTY;
  private settings: SettingsSnapshot | undefined;
  /** Discovered MCP servers the user chose to monitor (src/extension/discovery.ts); settings win a name clash. */
  private discovered: readonly EndpointConfig[] = [];
  private discoveredBlocked: readonly BlockedEndpoint[] = [];
  /** Settings endpoints plus the discovered ones: what the Monitor runs. */
  private running: readonly EndpointConfig[] = [];
  /** Issues already shown as a warning, so a settings edit elsewhere does not repeat them. */
  private warnedIssues = new Set<string>();
  /** The last network summary logged, so a settings change that re-routes is logged once. */
  private loggedNetwork = '';
  /** Refreshes run one at a time; a request during one runs once more after it. */
  private refreshChain: Promise<void> = Promise.resolve();
  private readonly changed: vscode.EventEmitter<StreamEvent | undefined>;
  readonly onDidChange: vscode.Event<StreamEvent | undefined>;
  readonly notifier: DiagnosisNotifier;
  /** Findings already logged at warning level (reset by Clear History). */
  private readonly loggedFindings = new FindingNews();
  /** Endpoints already offered a Sign In notification since they last opened. */
  private readonly askedSignIn = new Set<string>();

  constructor(deps: EndpointManagerDeps) {
    super();
    this.deps = deps;
    this.changed = this._register(new vscode.EventEmitter<StreamEvent | undefined>());
    this.onDidChange = this.changed.event;
    this.notifier = new DiagnosisNotifier({
      redactor: deps.redactor,
      enabled: () => this.settings?.notifications ?? true,
      findingsOf: (name) => this.monitor?.status().find((s) => s.name === name)?.findings ?? [],
    });

    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      // http.* (proxy, certificates) re-routes `auto` endpoints; only those whose route changed restart.
      if (e.affectsConfiguration(SECTION) || e.affectsConfiguration(HTTP_SECTION)) void this.refresh();
    }));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => {
      deps.log.info('workspace trusted: starting workspace endpoints');
      void this.refresh();
    }));
    this._register(deps.secrets.onDidChange((name) => this.onSecretChanged(name)));
    this._register(toDisposable(() => this.monitor?.dispose()));
  }

  /** Re-reads settings and makes the running sessions match; untouched endpoints keep running. */
  refresh(): Promise<void> {
    const run = this.refreshChain.then(() => this.doRefresh());
    this.refreshChain = run.catch((error: unknown) => this.deps.log.error('applying settings failed', error));
    return this.refreshChain;
  }

  private async doRefresh(): Promise<void> {
    if (this.isDisposed) return;
    this.settings = await readSettings();
    this.resolved = resolveEndpointSettings(this.settings.layers, { trusted: vscode.workspace.isTrusted, defaults: this.settings.defaults });
    this.warnAboutIssues(this.resolved.issues);
    // No notification: the settings editor already flags unknown fields, and the entries run.
    for (const w of this.resolved.warnings) this.deps.log.warn(w.text);
    for (const b of this.resolved.blocked) this.deps.log.info(`[${b.name}] not started: ${b.reason}`);
    const { proxy, systemCertificates } = this.settings.network;
    for (const secret of networkSecrets(this.settings.network)) this.deps.redactor.add(secret);
    const summary = describeNetwork(this.settings.network);
    if (summary !== this.loggedNetwork) this.deps.log.info(`network: ${summary}`);
    this.loggedNetwork = summary;
    const own = new Set(this.resolved.endpoints.map((e) => e.name));
    const endpoints = withNetwork([...this.resolved.endpoints, ...this.discovered.filter((d) => !own.has(d.name))], proxy, systemCertificates);
    this.running = endpoints;
    await this.deps.secrets.preload(endpoints.flatMap(secretNames));
    if (endpoints.length > 0 || this.monitor) {
      const monitor = await this.ensureMonitor();
      if (this.isDisposed) return;
      monitor.update(endpoints);
    }
    this.changed.fire(undefined);
  }

  private warnAboutIssues(issues: readonly SettingsIssue[]): void {
    const current = new Set(issues.map((i) => i.text));
    for (const issue of issues) {
      this.deps.log.warn(`invalid endpoint entry skipped: ${issue.text}`);
      if (this.warnedIssues.has(issue.text)) continue;
      void vscode.window.showWarningMessage(`Stream Health: ${this.deps.redactor.redact(issue.text)}. The other endpoints keep running.`, 'Open Settings')
        .then((choice) => {
          if (choice) void openSettingsFor(issue.level);
        });
    }
    this.warnedIssues = current;
  }

  private async ensureMonitor(): Promise<MonitorApi> {
    if (this.monitor) return this.monitor;
    const { secrets, log, historyFile, redactor } = this.deps;
    await this.deps.signIns.preload();
    const monitor = await this.deps.createMonitor({
      // Each kind's transport (undici, ws, grpc-js, the MCP SDK) loads when its first endpoint starts:
      // they take a noticeable share of a second to evaluate, and an install never pays for a kind it does not use.
      transportFactory: lazyTransports({
        signIn: {
          store: this.deps.signIns,
          renewAccount: (record) => renewAccount(record, redactor),
          onRefresh: (endpoint, outcome, detail) => (outcome === 'refreshed' ? log.info(`[${endpoint}] ${detail}`) : log.warn(`[${endpoint}] ${detail}`)),
        },
      }),
      resolveSecret: this.deps.wrapResolver ? this.deps.wrapResolver((name) => secrets.get(name)) : (name) => secrets.get(name),
      secretHint: SECRET_HINT,
    });
    if (this.isDisposed) {
      // Deactivated while the core was loading: nothing may outlive the extension.
      monitor.dispose();
      return monitor;
    }
    this.monitor = monitor;
    const loaded = await historyFile.load();
    if (loaded.problem) {
      const where = loaded.setAsidePath ? `; it was moved to ${loaded.setAsidePath}` : '';
      const text = redactor.redact(`Stream Health: the saved history (${historyFile.file}) ${loaded.problem}${where}. Monitoring starts with an empty history.`);
      log.warn(text);
      void vscode.window.showWarningMessage(text);
    }
    if (loaded.snapshot) {
      try {
        monitor.restoreHistory(loaded.snapshot);
      } catch (error) {
        log.error('restoring the saved history failed; starting empty', error);
      }
    }
    const unsubscribeEvents = monitor.onEvent((event) => this.onEvent(event));
    const unsubscribeTransitions = monitor.onTransition(() => this.changed.fire(undefined));
    this._register(toDisposable(() => {
      unsubscribeEvents();
      unsubscribeTransitions();
    }));
    return monitor;
  }

  private onEvent(event: StreamEvent): void {
    if (event.event === 'diagnosis') {
      // The core re-reports a standing finding as evidence grows; the log warns only when it is news.
      this.deps.log.event(event, !this.loggedFindings.isNews(event.endpoint, event));
      this.notifier.notify(event);
    } else {
      this.deps.log.event(event);
      if (event.event === 'error' && event.cause === 'auth') this.offerSignIn(event.endpoint, event.message);
      if (event.event === 'open') this.askedSignIn.delete(event.endpoint);
    }
    if (event.event !== 'message') this.deps.historyFile.schedule(() => this.history());
    this.changed.fire(this.deps.redactor.redactDeep(event));
  }

  /** One "Sign In" notification per endpoint until it opens again (a failed sign-in must not nag). */
  private offerSignIn(endpoint: string, message: string): void {
    if (this.askedSignIn.has(endpoint) || !(this.settings?.notifications ?? true)) return;
    this.askedSignIn.add(endpoint);
    void vscode.window.showWarningMessage(this.deps.redactor.redact(`Stream Health: ${endpoint}: ${message}`), SIGN_IN).then((choice) => {
      if (choice === SIGN_IN) void vscode.commands.executeCommand('streamHealth.signIn', endpoint);
    });
  }

  private onSecretChanged(name: string): void {
    const using = this.running.filter((e) => secretNames(e).includes(name));
    if (using.length === 0 || !this.monitor) return;
    this.deps.log.info(`secret ${name} changed: reconnecting ${using.map((e) => e.name).join(', ')}`);
    for (const endpoint of using) this.monitor.reconnect(endpoint.name);
  }

  // ---- read side (everything leaving here is redacted) ----

  endpoints(): readonly EndpointConfig[] {
    return this.running;
  }

  /** Replaces the discovered endpoints; only added, changed or removed ones start, restart or stop. */
  setDiscovered(endpoints: readonly EndpointConfig[], blocked: readonly BlockedEndpoint[]): Promise<void> {
    this.discovered = endpoints;
    this.discoveredBlocked = blocked;
    return this.refresh();
  }

  /** Whether `name` is a settings endpoint (a discovered one of the same name is not run). */
  isFromSettings(name: string): boolean {
    return this.resolved.endpoints.some((e) => e.name === name);
  }

  origin(name: string): SettingsLevel | undefined {
    return this.resolved.origin.get(name);
  }

  issues(): readonly SettingsIssue[] {
    return this.resolved.issues;
  }

  /** The invalid entries' warnings for the dashboard, redacted like the notifications. */
  invalidEntries(): readonly string[] {
    return this.resolved.issues.map((i) => this.deps.redactor.redact(i.text));
  }

  /** Unknown fields the running entries ignore, redacted like the invalid entries. */
  ignoredFields(): readonly string[] {
    return this.resolved.warnings.map((w) => this.deps.redactor.redact(w.text));
  }

  blocked(): readonly BlockedEndpoint[] {
    return this.discoveredBlocked.length ? [...this.resolved.blocked, ...this.discoveredBlocked] : this.resolved.blocked;
  }

  status(): EndpointStatus[] {
    return this.monitor ? this.deps.redactor.redactDeep(this.monitor.status()) : [];
  }

  history(): HistorySnapshot {
    return this.monitor ? this.deps.redactor.redactDeep(this.monitor.history()) : emptyHistory();
  }

  /**
   * The history as the core holds it, NOT redacted: only for counting (the status bar's drops in
   * the last hour), never for text that leaves the extension. Skips a deep copy on every redraw.
   */
  historyForCounts(): HistorySnapshot | undefined {
    return this.monitor?.history();
  }

  /** Why `name` cannot be acted on, or undefined when it is a running endpoint. */
  whyUnavailable(name: string): string | undefined {
    if (this.running.some((e) => e.name === name)) return undefined;
    const blocked = this.resolved.blocked.find((b) => b.name === name);
    if (blocked) return `"${name}" is not started: ${blocked.reason}.`;
    return `No endpoint named "${name}" is configured.`;
  }

  // ---- actions ----

  reconnect(name?: string): void {
    this.monitor?.reconnect(name);
  }

  pause(name?: string): void {
    this.monitor?.pause(name);
  }

  resume(name?: string): void {
    this.monitor?.resume(name);
  }

  clearHistory(name?: string): void {
    this.monitor?.clearHistory(name);
    this.notifier.shown.forget(name);
    this.loggedFindings.forget(name);
    this.deps.historyFile.schedule(() => this.history());
    this.changed.fire(undefined);
  }

  /** Writes pending history now and stops every session (deactivate). */
  async shutdown(): Promise<void> {
    await this.refreshChain;
    if (this.monitor) {
      this.deps.historyFile.schedule(() => this.history());
      await this.deps.historyFile.flush().catch((error: unknown) => this.deps.log.error('saving history failed', error));
    }
    this.dispose();
  }
}

export function openSettingsFor(level: SettingsLevel): Thenable<unknown> {
  if (level === 'user') return vscode.commands.executeCommand('workbench.action.openSettingsJson');
  if (level === 'workspace') return vscode.commands.executeCommand('workbench.action.openWorkspaceSettingsFile');
  return vscode.commands.executeCommand('workbench.action.openSettings', 'streamHealth.endpoints');
}
