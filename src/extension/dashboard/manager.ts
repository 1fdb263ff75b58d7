// Owns the dashboard webview panel: create-or-show, revive after a window reload (the panel
// serializer), the ready handshake, batched updates, and the actions the panel's buttons send.

import * as vscode from 'vscode';
import { errorMessage } from '../../core/util.ts';
import { Disposable, toDisposable } from '../util/dispose.ts';
import { buildDashboardHtml, createNonce } from './html.ts';
import type { DashboardModel } from './model.ts';
import { DashboardSession } from './session.ts';

export const DASHBOARD_VIEW_TYPE = 'streamHealth.dashboard';
const TITLE = 'Stream Health';
/** A full snapshot now and then repairs anything a delta missed (e.g. history cleared elsewhere). */
const RESYNC_INTERVAL_MS = 60_000;

function webviewOptions(mediaRoot: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [mediaRoot] };
}

/** One live panel: its HTML, and a DashboardSession speaking to its webview. */
class DashboardPanel extends Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly session: DashboardSession;
  readonly onDidDispose: vscode.Event<void>;
  private readonly disposeEmitter: vscode.EventEmitter<void>;

  constructor(panel: vscode.WebviewPanel, mediaRoot: vscode.Uri, model: DashboardModel) {
    super();
    this.panel = panel;
    this.disposeEmitter = this._register(new vscode.EventEmitter<void>());
    this.onDidDispose = this.disposeEmitter.event;
    this.session = this._register(new DashboardSession(
      model,
      { post: (message) => void panel.webview.postMessage(message) },
      {
        copy: (text, label) => {
          vscode.env.clipboard.writeText(text).then(
            () => vscode.window.setStatusBarMessage(`Stream Health: copied ${label ?? 'text'} to the clipboard`, 3000),
            (error: unknown) => reportFailure('Copy', error),
          );
        },
        reportFailure,
      },
    ));

    panel.webview.options = webviewOptions(mediaRoot);
    panel.iconPath = vscode.Uri.joinPath(mediaRoot, 'icon.svg');
    panel.webview.html = buildDashboardHtml({
      cspSource: panel.webview.cspSource,
      nonce: createNonce(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'dashboard.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'dashboard.css')).toString(),
      initialState: this.session.initialState(),
    });

    this._register(panel.webview.onDidReceiveMessage((raw: unknown) => this.session.receive(raw)));
    // With retainContextWhenHidden off, a hidden webview is torn down and says `ready` again when shown.
    this._register(panel.onDidChangeViewState(() => this.session.setVisible(panel.visible)));
    this._register(panel.onDidDispose(() => this.dispose()));
    const resync = setInterval(() => this.session.requestResync(), RESYNC_INTERVAL_MS);
    this._register(toDisposable(() => clearInterval(resync)));
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
}

function reportFailure(action: string, error: unknown): void {
  const text = errorMessage(error);
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
export function registerDashboard(context: vscode.ExtensionContext, model: DashboardModel): DashboardManager {
  const manager = new DashboardManager(context, model);
  context.subscriptions.push(manager);
  return manager;
}
