// Owns the dashboard webview panel: create-or-show, revive after a window reload (the panel
// serializer), the ready handshake, batched updates, and the actions the panel's buttons send.

import * as vscode from 'vscode';
import type { StreamEvent } from '../../core/events.ts';
import type { ToWebviewMessage, ToWebviewSnapshot } from '../../shared/protocol.ts';
import { UpdateBatcher, type Batch } from './batcher.ts';
import { Disposable, toDisposable } from '../util/dispose.ts';
import { buildDashboardHtml, createNonce } from './html.ts';
import { parseFromWebview } from './messages.ts';
import type { DashboardModel } from './model.ts';

export const DASHBOARD_VIEW_TYPE = 'streamHealth.dashboard';
const TITLE = 'Stream Health';
/** A full snapshot now and then repairs anything a delta missed (e.g. history cleared elsewhere). */
const RESYNC_INTERVAL_MS = 60_000;

function snapshotOf(model: DashboardModel): ToWebviewSnapshot {
  return {
    type: 'snapshot',
    endpoints: model.status(),
    history: model.history(),
    blocked: model.blocked(),
    now: Date.now(),
  };
}

function webviewOptions(mediaRoot: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [mediaRoot] };
}

/** One live panel: its HTML, its message traffic and its subscription to the model. */
class DashboardPanel extends Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly model: DashboardModel;
  private readonly batcher: UpdateBatcher;
  /** Updates wait for the webview's `ready`; before that the data-initial attribute is what it shows. */
  private ready = false;
  private endpointNames = '';
  private resyncTimer: ReturnType<typeof setInterval> | undefined;
  readonly onDidDispose: vscode.Event<void>;
  private readonly disposeEmitter: vscode.EventEmitter<void>;

  constructor(panel: vscode.WebviewPanel, mediaRoot: vscode.Uri, model: DashboardModel) {
    super();
    this.panel = panel;
    this.model = model;
    this.disposeEmitter = this._register(new vscode.EventEmitter<void>());
    this.onDidDispose = this.disposeEmitter.event;

    panel.webview.options = webviewOptions(mediaRoot);
    panel.iconPath = vscode.Uri.joinPath(mediaRoot, 'icon.svg');
    const initial = snapshotOf(model);
    this.endpointNames = namesKey(initial);
    panel.webview.html = buildDashboardHtml({
      cspSource: panel.webview.cspSource,
      nonce: createNonce(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'dashboard.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'dashboard.css')).toString(),
      initialState: { snapshot: initial },
    });

    this.batcher = this._register(new UpdateBatcher((batch) => this.flush(batch)));
    this._register(model.onDidChange((event: StreamEvent | undefined) => this.batcher.push(event)));
    this._register(panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw)));
    // With retainContextWhenHidden off, a hidden webview is torn down and says `ready` again when shown.
    this._register(panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false;
    }));
    this._register(panel.onDidDispose(() => this.dispose()));
    this.resyncTimer = setInterval(() => this.batcher.requestResync(), RESYNC_INTERVAL_MS);
    this._register(toDisposable(() => clearInterval(this.resyncTimer)));
  }

  reveal(): void {
    if (!this.isDisposed) this.panel.reveal(undefined, false);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.disposeEmitter.fire();
    super.dispose();
    // Closing from our side (extension deactivation); a user close already disposed the panel.
    try {
      this.panel.dispose();
    } catch {
      // already disposed by VS Code
    }
  }

  /** A no-op once disposed or while the webview is not listening. */
  private post(message: ToWebviewMessage): void {
    if (this.isDisposed || !this.ready) return;
    void this.panel.webview.postMessage(message);
  }

  private flush(batch: Batch): void {
    if (this.isDisposed || !this.ready) return;
    const endpoints = this.model.status();
    const names = endpoints.map((e) => e.name).join('\n');
    if (batch.resync || names !== this.endpointNames) {
      this.sendSnapshot();
      return;
    }
    this.post({ type: 'update', endpoints, blocked: this.model.blocked(), events: batch.events, now: Date.now() });
  }

  private sendSnapshot(): void {
    const snapshot = snapshotOf(this.model);
    this.endpointNames = namesKey(snapshot);
    this.post(snapshot);
  }

  private onMessage(raw: unknown): void {
    if (this.isDisposed) return;
    const message = parseFromWebview(raw);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sendSnapshot();
        return;
      case 'reconnect':
        this.model.reconnect(message.endpoint);
        return;
      case 'pause':
        this.model.pause(message.endpoint);
        return;
      case 'resume':
        this.model.resume(message.endpoint);
        return;
      case 'measureIdle':
        this.model.measureIdle(message.endpoint).catch((error: unknown) => reportFailure('Measure Idle Timeout', error));
        return;
      case 'exportReport':
        this.model.exportReport(message.format).catch((error: unknown) => reportFailure('Export Report', error));
        return;
      case 'copy':
        vscode.env.clipboard.writeText(message.text).then(
          () => vscode.window.setStatusBarMessage(`Stream Health: copied ${message.label ?? 'text'} to the clipboard`, 3000),
          (error: unknown) => reportFailure('Copy', error),
        );
        return;
    }
  }
}

function namesKey(snapshot: ToWebviewSnapshot): string {
  return snapshot.endpoints.map((e) => e.name).join('\n');
}

function reportFailure(action: string, error: unknown): void {
  const text = error instanceof Error ? error.message : String(error);
  void vscode.window.showErrorMessage(`Stream Health: ${action} failed: ${text}`);
}

/** Owns the single dashboard panel and the serializer that brings it back after a reload. */
export class DashboardManager extends Disposable implements vscode.WebviewPanelSerializer {
  private readonly mediaRoot: vscode.Uri;
  private readonly model: DashboardModel;
  private current: DashboardPanel | undefined;

  constructor(context: vscode.ExtensionContext, model: DashboardModel) {
    super();
    this.mediaRoot = vscode.Uri.joinPath(context.extensionUri, 'media');
    this.model = model;
    this._register(vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, this));
    this._register(toDisposable(() => this.current?.dispose()));
  }

  /** Reveals the dashboard, creating it if needed. */
  show(): void {
    if (this.isDisposed) return;
    if (this.current) {
      this.current.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      TITLE,
      vscode.ViewColumn.Active,
      { ...webviewOptions(this.mediaRoot), retainContextWhenHidden: false },
    );
    this.attach(panel);
  }

  /** Called by VS Code after a reload for a panel that was open; the webview restores its own UI state. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, _state: unknown): Promise<void> {
    if (this.isDisposed) {
      panel.dispose();
      return;
    }
    // Only one dashboard: a second revived panel replaces the first.
    this.current?.dispose();
    this.attach(panel);
  }

  private attach(panel: vscode.WebviewPanel): void {
    const dashboard = new DashboardPanel(panel, this.mediaRoot, this.model);
    this.current = dashboard;
    dashboard.onDidDispose(() => {
      if (this.current === dashboard) this.current = undefined;
    });
  }
}

/** One-line wiring for the extension: `registerDashboard(context, model).show()` from a command. */
export function registerDashboard(context: vscode.ExtensionContext, model: DashboardModel): { show(): void; dispose(): void } {
  const manager = new DashboardManager(context, model);
  context.subscriptions.push(manager);
  return manager;
}
