// Finds the MCP servers VS Code, Claude Code, Cursor, Windsurf and Gemini CLI already configure
// (src/discovery), offers them once (notification + multi-select Quick Pick), runs the chosen ones
// through the EndpointManager and follows their files: an edit restarts only the endpoint it changed.

import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SecretResolver } from '../core/secrets.ts';
import { redactUrl } from '../core/secrets.ts';
import type { DiscoveryResult } from '../discovery/discover.ts';
import { discover, formatProblem } from '../discovery/discover.ts';
import type { DiscoveredServer } from '../discovery/mapping.ts';
import { LITERAL_SECRET_PREFIX, missingSecrets } from '../discovery/mapping.ts';
import { discoverySecrets, discoverySecretValues, withDiscoverySecrets } from '../discovery/resolver.ts';
import type { DiscoverySource } from '../discovery/sources.ts';
import { discoverySources } from '../discovery/sources.ts';
import type { BlockedEndpoint } from '../shared/protocol.ts';
import type { DiscoveryChoice, DiscoveryChoices, DiscoverySetting } from './discoveryModel.ts';
import { CHOICES_STATE_KEY, foundMessage, parseDiscoverySetting, planDiscovery, serverKey, settingsEntry, sourceText } from './discoveryModel.ts';
import type { EndpointManager } from './endpointManager.ts';
import type { Log } from './log.ts';
import type { Redactor } from './redaction.ts';
import type { SecretStore } from './secretStore.ts';
import { appendEndpoint, SECTION } from './settingsReader.ts';
import { applyDefaults, type EndpointDefaults } from './settingsModel.ts';
import { Disposable, toDisposable, type IDisposable } from './util/dispose.ts';

export const DISCOVERY_KEY = 'discovery';
/** Files outside the workspace are polled (fs.watch cannot follow a file that does not exist yet). */
const POLL_INTERVAL_MS = 2000;
/** Several writes of one save (or several files) become one re-read. */
const REREAD_DELAY_MS = 300;

export interface DiscoveryDeps {
  readonly context: vscode.ExtensionContext;
  readonly manager: EndpointManager;
  readonly secrets: SecretStore;
  readonly redactor: Redactor;
  readonly log: Log;
}

const EMPTY: DiscoveryResult = { servers: [], literals: new Map(), problems: [], fileProblems: [], found: [] };

export class DiscoveryService extends Disposable {
  private readonly deps: DiscoveryDeps;
  private setting: DiscoverySetting = { mode: 'ask' };
  private result: DiscoveryResult = EMPTY;
  /** Ready servers of workspace files in an untrusted workspace: listed, never connected. */
  private untrusted: DiscoveredServer[] = [];
  private monitored: DiscoveredServer[] = [];
  private available: DiscoveredServer[] = [];
  private readonly lastGood = new Map<string, unknown>();
  private readonly askedThisSession = new Set<string>();
  private readonly reported = new Set<string>();
  private readonly watched = new Map<string, IDisposable>();
  private rereadTimer: ReturnType<typeof setTimeout> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private readonly changed: vscode.EventEmitter<void>;
  readonly onDidChange: vscode.Event<void>;

  constructor(deps: DiscoveryDeps) {
    super();
    this.deps = deps;
    this.changed = this._register(new vscode.EventEmitter<void>());
    this.onDidChange = this.changed.event;
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.${DISCOVERY_KEY}`) || e.affectsConfiguration(`${SECTION}.defaults`)) void this.refresh();
    }));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => void this.refresh()));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refresh()));
    this._register(toDisposable(() => {
      this.clearRereadTimer();
      for (const w of this.watched.values()) w.dispose();
      this.watched.clear();
    }));
  }

  /** Re-reads every source and makes the running discovered endpoints match; one at a time. */
  refresh(): Promise<void> {
    const run = this.chain.then(() => this.doRefresh());
    this.chain = run.catch((error: unknown) => this.deps.log.error('discovering MCP servers failed', error));
    return this.chain;
  }

  /** Wraps the SecretStorage resolver: `env.X` from the environment, literal tokens from memory. */
  resolver(base: (name: string) => Promise<string | undefined>): SecretResolver {
    return (name) => withDiscoverySecrets(base, process.env, discoverySecrets(this.result))(name);
  }

  /** Where a running discovered endpoint comes from (`from .vscode/mcp.json`), for tooltips and cards. */
  sourceOf(name: string): string | undefined {
    const server = this.monitored.find((s) => s.name === name);
    return server && !this.deps.manager.isFromSettings(name) ? sourceText(server) : undefined;
  }

  /** Every server of the last read (ready and skipped), with where each is listed: CodeLens and anchors. */
  servers(): readonly DiscoveredServer[] {
    return this.result.servers;
  }

  /** A discovered endpoint that runs now (not one that lives in streamHealth.endpoints), or undefined. */
  monitoredServer(name: string): DiscoveredServer | undefined {
    return this.deps.manager.isFromSettings(name) ? undefined : this.monitored.find((s) => s.name === name);
  }

  /** The names of the discovered endpoints that run now. */
  monitoredNames(): string[] {
    return this.monitored.map((s) => s.name);
  }

  /** Found and monitorable but not monitored: the dashboard's Discovered group and the tooltip count. */
  notMonitored(): readonly DiscoveredServer[] {
    return this.available;
  }

  /** Workspace servers an untrusted workspace keeps from connecting, for the dashboard's blocked list. */
  blocked(): BlockedEndpoint[] {
    return this.untrusted.map((s) => ({ name: s.name, reason: `discovered in ${s.sources.map((x) => x.label).join(', ')}: blocked until you trust this workspace` }));
  }

  private sources(): { all: DiscoverySource[]; home: string } {
    const home = homedir();
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    // globalStorageUri is <user data>/User/globalStorage/<extension id>: its grandparent is the `User`
    // folder of this host (desktop, Insiders, code-server each have their own).
    const userDir = path.dirname(path.dirname(this.deps.context.globalStorageUri.fsPath));
    const all = discoverySources({
      home, platform: process.platform, vscodeUserDir: userDir, workspaceFolders: folders,
      ...(this.setting.clients ? { clients: this.setting.clients } : {}),
    });
    return { all, home };
  }

  private async doRefresh(): Promise<void> {
    if (this.isDisposed) return;
    const config = vscode.workspace.getConfiguration(SECTION);
    this.setting = parseDiscoverySetting(config.get<unknown>(DISCOVERY_KEY));
    if (this.setting.problem) this.reportOnce(this.setting.problem);
    if (this.setting.mode === 'off') {
      this.result = EMPTY;
      this.untrusted = [];
      this.monitored = [];
      this.available = [];
      this.watch([]);
      await this.deps.manager.setDiscovered([], []);
      this.changed.fire();
      return;
    }
    const { all, home } = this.sources();
    const trusted = vscode.workspace.isTrusted;
    const defaults = (trusted ? config.get<EndpointDefaults>('defaults') : config.inspect<EndpointDefaults>('defaults')?.globalValue) ?? {};
    const entryDefaults = applyDefaults({}, defaults) as Record<string, unknown>;
    const read = (file: string) => readFileSync(file, 'utf8');
    // Workspace files run only in a trusted workspace; otherwise they are read just to list what waits.
    this.result = discover(trusted ? all : all.filter((s) => s.scope === 'user'), { env: process.env, home, entryDefaults }, read, this.lastGood);
    this.untrusted = trusted ? [] : discover(all.filter((s) => s.scope === 'workspace'), { env: process.env, home }, read).servers.filter((s) => s.status === 'ready');
    for (const value of discoverySecretValues(process.env, this.result)) this.deps.redactor.add(value);

    const plan = planDiscovery(this.result.servers, this.setting, this.choices(), this.askedThisSession);
    this.monitored = plan.monitor;
    this.available = plan.available;
    for (const server of this.result.servers) {
      if (server.status === 'skipped') this.deps.log.info(`[discovery] ${server.name} (${sourceText(server)}) not monitored: ${server.reason}`);
    }
    this.watch(all);
    await this.deps.manager.setDiscovered(plan.monitor.map((s) => s.config!), this.blocked());
    // After the endpoints are applied, so what the warning says ("still using...") is already true.
    for (const problem of [...this.result.fileProblems.map(formatProblem), ...this.result.problems]) this.reportOnce(problem);
    this.changed.fire();
    if (plan.ask.length > 0) void this.offer(plan.ask);
  }

  private reportOnce(problem: string): void {
    const text = this.deps.redactor.redact(`Stream Health: ${problem}`);
    this.deps.log.warn(text);
    if (this.reported.has(text)) return;
    this.reported.add(text);
    void vscode.window.showWarningMessage(text);
  }

  private choices(): DiscoveryChoices {
    return this.deps.context.workspaceState.get<DiscoveryChoices>(CHOICES_STATE_KEY) ?? {};
  }

  private async remember(updates: Readonly<Record<string, DiscoveryChoice>>): Promise<void> {
    await this.deps.context.workspaceState.update(CHOICES_STATE_KEY, { ...this.choices(), ...updates });
  }

  /** The one notification: "Found 3 MCP servers in …: Monitor… / Not now". */
  private async offer(servers: readonly DiscoveredServer[]): Promise<void> {
    for (const s of servers) this.askedThisSession.add(serverKey(s));
    const choice = await vscode.window.showInformationMessage(`Stream Health: ${foundMessage(servers)}.`, 'Monitor…', 'Not now');
    if (choice === 'Monitor…') await this.pick(servers.map((s) => s.name));
  }

  /**
   * The multi-select Quick Pick over every monitorable server (those in `preselect`, and the running
   * ones, ticked). `names` given: monitors exactly those, no dialog (automation, tests).
   */
  async pick(preselect?: readonly string[], names?: readonly string[]): Promise<string[] | undefined> {
    await this.chain;
    const candidates = [...this.monitored, ...this.available];
    if (candidates.length === 0) {
      const skipped = this.result.servers.filter((s) => s.status === 'skipped');
      const blocked = this.untrusted.length ? ` ${this.untrusted.length} in workspace files wait until you trust this workspace.` : '';
      void vscode.window.showInformationMessage(`Stream Health: no remote MCP servers to monitor were found${skipped.length ? ` (${skipped.length} skipped: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})` : ''}.${blocked}`);
      return undefined;
    }
    let chosen: string[];
    if (names) {
      chosen = candidates.filter((s) => names.includes(s.name)).map((s) => s.name);
    } else {
      const running = new Set(this.monitored.map((s) => s.name));
      type Item = vscode.QuickPickItem & { readonly server?: DiscoveredServer };
      const items: Item[] = candidates.map((server) => ({
        label: server.name,
        description: `${server.kind} ${redactUrl(server.url ?? '')}`,
        detail: sourceText(server) + (server.notes.length ? ` — ${server.notes.join('; ')}` : ''),
        picked: running.has(server.name) || (preselect ?? []).includes(server.name),
        server,
      }));
      const skipped = this.result.servers.filter((s) => s.status === 'skipped');
      if (skipped.length) {
        items.push({ label: 'Not monitorable', kind: vscode.QuickPickItemKind.Separator });
        for (const s of skipped) items.push({ label: `$(circle-slash) ${s.name}`, description: s.reason ?? '', detail: sourceText(s) });
      }
      const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Stream Health: Monitor MCP Servers', placeHolder: 'The servers to monitor (choices are remembered for this workspace)', ignoreFocusOut: true });
      if (!picked) return undefined;
      chosen = picked.filter((i) => i.server).map((i) => i.server!.name);
    }
    const updates: Record<string, DiscoveryChoice> = {};
    for (const server of candidates) updates[serverKey(server)] = chosen.includes(server.name) ? 'monitor' : 'ignore';
    for (const name of chosen) await this.askForSecrets(candidates.find((s) => s.name === name)!);
    await this.remember(updates);
    await this.refresh();
    for (const name of chosen) this.offerToMoveLiterals(candidates.find((s) => s.name === name)!);
    return chosen;
  }

  /** `${input:id}` values: asked once with the input's own description, kept in SecretStorage. */
  private async askForSecrets(server: DiscoveredServer): Promise<void> {
    const have = new Set<string>();
    for (const ref of server.secrets) if (ref.from === 'input' && (await this.deps.secrets.has(ref.name))) have.add(ref.name);
    for (const ref of missingSecrets(server, process.env, (r) => have.has(r.name))) {
      if (ref.from !== 'input') {
        this.deps.log.warn(`[${server.name}] needs the environment variable ${ref.envVar}, which is not set: VS Code's environment is read at connect time`);
        continue;
      }
      const value = await vscode.window.showInputBox({
        title: `Stream Health: ${server.name}`,
        prompt: `${ref.description} (stored in VS Code's secret storage as ${ref.name})`,
        password: true,
        ignoreFocusOut: true,
      });
      if (value) await this.deps.secrets.set(ref.name, value);
    }
  }

  /** The dashboard's Monitor button and the CodeLens: this one as well as those already running. */
  async monitor(name: string): Promise<string[] | undefined> {
    await this.chain;
    return this.pick(undefined, [...this.monitoredNames(), name]);
  }

  /** A token written in another client's file is used from memory; Copy to Settings moves it into SecretStorage. */
  private offerToMoveLiterals(server: DiscoveredServer): void {
    const literals = server.secrets.filter((r) => r.from === 'literal');
    if (literals.length === 0) return;
    const what = literals.map((r) => r.description).join(', ');
    void vscode.window.showInformationMessage(
      `Stream Health: ${server.name} sends a token written in ${server.sources[0]!.label} (${what}). It is used from memory only; Copy to Settings moves it into VS Code's secret storage.`,
      'Copy to Settings',
    ).then((choice) => {
      if (choice) return this.copyToSettings(server.name);
      return undefined;
    }).then(undefined, (error: unknown) => this.deps.log.error('Copy to Settings failed', error));
  }

  /**
   * "Copy to Settings": a normal `streamHealth.endpoints` entry (user settings) with `${secret:}`
   * references; a literal token moves into SecretStorage. The source is no longer followed for it.
   */
  async copyToSettings(name?: string): Promise<void> {
    await this.chain;
    const server = name ? this.monitored.find((s) => s.name === name) ?? this.available.find((s) => s.name === name) : await this.pickOne();
    if (!server) return;
    const rename = new Map<string, string>();
    for (const ref of server.secrets) {
      if (ref.from !== 'literal') continue;
      const stored = ref.name.replace(LITERAL_SECRET_PREFIX, 'mcp.');
      await this.deps.secrets.set(stored, this.result.literals.get(ref.name) ?? '');
      rename.set(ref.name, stored);
    }
    await appendEndpoint(settingsEntry(server, rename), 'user');
    await this.remember({ [serverKey(server)]: 'copied' });
    this.deps.log.info(`[${server.name}] copied to streamHealth.endpoints (user settings); ${sourceText(server)} is no longer followed for it`);
    await this.refresh();
  }

  private async pickOne(): Promise<DiscoveredServer | undefined> {
    const candidates = [...this.monitored, ...this.available];
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage('Stream Health: no discovered MCP server to copy.');
      return undefined;
    }
    const item = await vscode.window.showQuickPick(candidates.map((s) => ({ label: s.name, description: sourceText(s), server: s })), { title: 'Stream Health: Copy Discovered Server to Settings' });
    return item?.server;
  }

  /** Workspace files through createFileSystemWatcher, the others polled; only changed sets are re-armed. */
  private watch(sources: readonly DiscoverySource[]): void {
    const wanted = new Map<string, DiscoverySource>();
    for (const s of sources) wanted.set(s.file, s);
    for (const [file, watcher] of this.watched) {
      if (!wanted.has(file)) {
        watcher.dispose();
        this.watched.delete(file);
      }
    }
    const folders = vscode.workspace.workspaceFolders ?? [];
    for (const [file, source] of wanted) {
      if (this.watched.has(file)) continue;
      const folder = source.scope === 'workspace' ? folders.find((f) => file.startsWith(f.uri.fsPath + path.sep)) : undefined;
      if (folder) {
        const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, path.relative(folder.uri.fsPath, file).split(path.sep).join('/')));
        const onChange = () => this.scheduleReread();
        watcher.onDidChange(onChange);
        watcher.onDidCreate(onChange);
        watcher.onDidDelete(onChange);
        this.watched.set(file, watcher);
      } else {
        const listener = () => this.scheduleReread();
        watchFile(file, { interval: POLL_INTERVAL_MS, persistent: false }, listener);
        this.watched.set(file, toDisposable(() => unwatchFile(file, listener)));
      }
    }
  }

  private scheduleReread(): void {
    if (this.rereadTimer || this.isDisposed) return;
    this.rereadTimer = setTimeout(() => {
      this.rereadTimer = null;
      void this.refresh();
    }, REREAD_DELAY_MS);
  }

  private clearRereadTimer(): void {
    if (this.rereadTimer) clearTimeout(this.rereadTimer);
    this.rereadTimer = null;
  }
}
