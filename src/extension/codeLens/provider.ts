// CodeLens in MCP config files (the discovery sources: .vscode/mcp.json, the user mcp.json, .mcp.json,
// .cursor/mcp.json...): above each remote server's key, its live status and findings (opens the
// dashboard) or "Monitor this server" (the discovery Monitor flow for it). Redrawn on status changes.

import * as vscode from 'vscode';
import type { DiscoveryService } from '../discovery.ts';
import type { EndpointManager } from '../endpointManager.ts';
import { dropsInLastHour } from '../statusSummary.ts';
import { Disposable } from '../util/dispose.ts';
import { serverLenses, statusLensText } from './model.ts';

/** Events that change what a lens says; heartbeats and messages do not. */
const LENS_EVENTS = new Set(['open', 'stale', 'drop', 'error', 'backoff', 'diagnosis', 'paused', 'resumed']);
const COALESCE_MS = 500;
/** Stream ages move with time alone: redrawn on this tick while a status lens is shown. */
const TICK_MS = 30_000;

export class McpConfigLenses extends Disposable implements vscode.CodeLensProvider {
  private readonly manager: EndpointManager;
  private readonly discovery: DiscoveryService;
  private readonly changed: vscode.EventEmitter<void>;
  readonly onDidChangeCodeLenses: vscode.Event<void>;
  private pendingTimer: ReturnType<typeof setTimeout> | undefined;
  private tickTimer: ReturnType<typeof setInterval> | undefined;

  constructor(manager: EndpointManager, discovery: DiscoveryService) {
    super();
    this.manager = manager;
    this.discovery = discovery;
    this.changed = this._register(new vscode.EventEmitter<void>());
    this.onDidChangeCodeLenses = this.changed.event;
    this._register(manager.onDidChange((event) => {
      if (!event || LENS_EVENTS.has(event.event)) this.scheduleChange();
    }));
    this._register(discovery.onDidChange(() => this.scheduleChange()));
    this._register(vscode.languages.registerCodeLensProvider([{ language: 'json' }, { language: 'jsonc' }], this));
    this._register({
      dispose: () => {
        if (this.pendingTimer) clearTimeout(this.pendingTimer);
        this.setTicking(false);
      },
    });
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const servers = this.discovery.servers();
    const file = document.uri.fsPath;
    if (!servers.some((s) => s.entries.some((e) => e.source.file === file))) return [];
    const statuses = new Map(this.manager.status().map((s) => [s.name, s]));
    const available = new Set(this.discovery.notMonitored().map((s) => s.name));
    const history = this.manager.historyForCounts();
    const now = Date.now();
    const lenses: vscode.CodeLens[] = [];
    let live = false;
    for (const lens of serverLenses(document.getText(), file, servers)) {
      const at = document.positionAt(lens.offset);
      const range = new vscode.Range(at, at);
      const status = statuses.get(lens.name);
      if (status) {
        live = true;
        const title = vscode.l10n.t('Stream Health: {0}', statusLensText(status, dropsInLastHour(history, lens.name, now), now));
        lenses.push(new vscode.CodeLens(range, { title, command: 'streamHealth.openDashboard', arguments: [], tooltip: vscode.l10n.t('Open the Stream Health dashboard') }));
      } else if (available.has(lens.name)) {
        lenses.push(new vscode.CodeLens(range, {
          title: vscode.l10n.t('Stream Health: Monitor this server'),
          command: 'streamHealth.discoverMcpServers',
          arguments: [{ add: [lens.name] }],
          tooltip: vscode.l10n.t('Monitor {0} with Stream Health (the others keep running)', lens.name),
        }));
      }
    }
    if (live) this.setTicking(true);
    return lenses;
  }

  private scheduleChange(): void {
    if (this.pendingTimer || this.isDisposed) return;
    this.pendingTimer = setTimeout(() => {
      this.pendingTimer = undefined;
      // The tick is re-armed by the next provideCodeLenses that shows a status.
      this.setTicking(false);
      this.changed.fire();
    }, COALESCE_MS);
  }

  private setTicking(on: boolean): void {
    if (on && !this.tickTimer) this.tickTimer = setInterval(() => this.scheduleChange(), TICK_MS);
    else if (!on && this.tickTimer) {
      clearInterval(this.tickTimer);
      this.tickTimer = undefined;
    }
  }
}
