// The extension's parts under one root Disposable: logging, secrets, history, the endpoint manager,
// discovery, status bar, view, Problems panel, CodeLens, dashboard and the command handlers. Loaded and
// built by main.ts on the turn after activate() returns. Cheap when nothing is configured: no
// Monitor, no sockets, no status item.

import * as vscode from 'vscode';
import { Emitter } from '../core/events.ts';
import { Commands } from './commands/index.ts';
import type { CommandContext } from './commands/context.ts';
import { registerDashboard, type DashboardManager } from './dashboard/manager.ts';
import { ExtensionDashboardModel } from './dashboard/extensionModel.ts';
import { DiscoveryService } from './discovery.ts';
import { EndpointManager } from './endpointManager.ts';
import { HistoryFile } from './historyFile.ts';
import { Log } from './log.ts';
import { Redactor } from './redaction.ts';
import { SecretStore } from './secretStore.ts';
import { McpConfigLenses } from './codeLens/provider.ts';
import { DiscoveryAnchorProvider, SettingsAnchorProvider } from './problems/anchors.ts';
import { FindingDocs, ProblemsPanel } from './problems/panel.ts';
import { SecretSignInStore } from './signInStore.ts';
import { StatusBar } from './statusBar.ts';
import { EndpointsView } from './tree/view.ts';
import { Disposable, toDisposable } from './util/dispose.ts';

/** Events that change what the status bar shows; heartbeats only move "x s ago" (the 5 s tick). */
const STATUS_EVENTS = new Set(['open', 'stale', 'drop', 'error', 'backoff', 'diagnosis', 'paused', 'resumed']);

/**
 * What activate() returns: read-only views of the parts, for the in-extension-host tests. Not a
 * stable API for other extensions.
 */
export interface StreamHealthTestApi {
  readonly manager: EndpointManager;
  readonly problems: ProblemsPanel;
  readonly view: EndpointsView;
  readonly dashboard: DashboardManager;
  readonly lenses: McpConfigLenses;
  /** Settles when the first read of the settings has been applied (sessions started, history restored). */
  readonly ready: Promise<void>;
}

export class StreamHealthExtension extends Disposable implements StreamHealthTestApi {
  readonly manager: EndpointManager;
  readonly discovery: DiscoveryService;
  readonly problems: ProblemsPanel;
  readonly view: EndpointsView;
  readonly dashboard: DashboardManager;
  readonly lenses: McpConfigLenses;
  readonly commands: Commands;
  readonly ready: Promise<void>;

  constructor(context: vscode.ExtensionContext) {
    super();
    const redactor = new Redactor();
    const log = this._register(new Log(redactor));
    // A throwing listener in the core is a bug worth seeing, not a silent console line.
    const previousListenerError = Emitter.onListenerError;
    Emitter.onListenerError = (error) => log.error('event listener failed', error);
    this._register(toDisposable(() => (Emitter.onListenerError = previousListenerError)));

    const secrets = this._register(new SecretStore(context.secrets, redactor));
    const signIns = new SecretSignInStore(context.secrets, redactor);
    const historyFile = new HistoryFile({ dir: context.globalStorageUri.fsPath });
    this._register(historyFile);
    let discovery: DiscoveryService | undefined;
    this.manager = this._register(new EndpointManager({
      createMonitor: async (options) => new (await import('../core/monitor.ts')).Monitor(options),
      secrets,
      signIns,
      redactor,
      log,
      historyFile,
      // Late-bound: discovery needs the manager, the manager's resolver needs discovery.
      wrapResolver: (base) => (name) => (discovery ? discovery.resolver(base)(name) : base(name)),
    }));
    const manager = this.manager;
    this.discovery = discovery = this._register(new DiscoveryService({ context, manager, secrets, redactor, log }));

    const statusBar = this._register(new StatusBar(() => ({
      statuses: manager.status(),
      history: manager.historyForCounts(),
      blocked: manager.blocked(),
      discovered: discovery.notMonitored().length,
      sources: Object.fromEntries(manager.status().flatMap((st) => {
        const source = discovery.sourceOf(st.name);
        return source ? [[st.name, source]] : [];
      })),
      issues: manager.issues().map((i) => i.text),
      ignored: manager.ignoredFields(),
      now: Date.now(),
    })));
    this._register(discovery.onDidChange(() => statusBar.scheduleUpdate()));
    this._register(manager.onDidChange((event) => {
      if (!event || STATUS_EVENTS.has(event.event)) statusBar.scheduleUpdate();
      // Menus offer endpoint-only commands once there is an endpoint.
      if (!event) void vscode.commands.executeCommand('setContext', 'streamHealth.hasEndpoints', manager.endpoints().length > 0);
    }));

    const anchors = [
      new SettingsAnchorProvider((name) => manager.origin(name), vscode.Uri.joinPath(context.globalStorageUri, '..', '..', 'settings.json')),
      new DiscoveryAnchorProvider((name) => discovery.monitoredServer(name)),
    ];
    const problems = this.problems = this._register(new ProblemsPanel(manager, anchors, new FindingDocs(context.extensionUri)));
    // A re-read MCP config file may have moved a server's key.
    this._register(discovery.onDidChange(() => problems.invalidate()));
    this.lenses = this._register(new McpConfigLenses(manager, discovery));
    this.view = this._register(new EndpointsView(manager));

    let commandContext: CommandContext | undefined;
    const dashboard = this.dashboard = this._register(registerDashboard(context, new ExtensionDashboardModel(manager, () => commandContext!)));
    commandContext = {
      manager,
      secrets,
      signIns,
      log,
      redactor,
      dashboard,
      discovery,
      extensionVersion: String(context.extension.packageJSON.version ?? '0.0.0'),
      extensionUri: context.extensionUri,
      anchors,
    };
    this.commands = new Commands(commandContext);
    // Not awaited by activation: the settings, secrets and history are read in the background, and the
    // status bar, view and Problems panel draw when they are applied (as they do on any settings change).
    this.ready = manager.refresh();
    // After the settings: reading other clients' files and the offer come last.
    void this.ready.then(() => discovery.refresh());
  }
}
