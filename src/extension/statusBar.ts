// The status bar item: `$(pulse) open/total` with warning/error background, a per-endpoint Markdown
// tooltip, a click that opens the dashboard. Text comes from the pure statusSummary.ts.

import * as vscode from 'vscode';
import { summarize, type StatusSummaryInput } from './statusSummary.ts';
import { Disposable } from './util/dispose.ts';

/** Stream ages and "x s ago" in the tooltip tick; state changes redraw promptly. */
const REFRESH_MS = 5000;
/** A burst of state changes (a flapping endpoint) redraws once per this interval. */
const COALESCE_MS = 200;

export class StatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly input: () => StatusSummaryInput;
  private refreshTimer: ReturnType<typeof setInterval> | undefined;
  private pendingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(input: () => StatusSummaryInput) {
    super();
    this.input = input;
    this.item = this._register(vscode.window.createStatusBarItem('streamHealth.status', vscode.StatusBarAlignment.Left, 100));
    this.item.name = 'Stream Health';
    this.item.command = { title: 'Open Stream Health Dashboard', command: 'streamHealth.openDashboard' };
    this._register({
      dispose: () => {
        this.clearRefreshTimer();
        this.clearPendingTimer();
      },
    });
    this.update();
  }

  /** Redraws soon; calls within COALESCE_MS share one redraw. */
  scheduleUpdate(): void {
    if (this.pendingTimer || this.isDisposed) return;
    this.pendingTimer = setTimeout(() => {
      this.pendingTimer = undefined;
      this.update();
    }, COALESCE_MS);
  }

  update(): void {
    if (this.isDisposed) return;
    this.clearPendingTimer();
    const summary = summarize(this.input());
    if (!summary.visible) {
      this.item.hide();
      this.clearRefreshTimer();
      return;
    }
    this.item.text = summary.text;
    const tooltip = new vscode.MarkdownString(summary.tooltipMarkdown);
    // Names and messages are escaped in statusSummary; no command links, no HTML.
    tooltip.isTrusted = false;
    tooltip.supportHtml = false;
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: summary.accessibilityLabel, role: 'button' };
    this.item.backgroundColor = summary.level === 'error'
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : summary.level === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
    this.refreshTimer ??= setInterval(() => this.update(), REFRESH_MS);
  }

  private clearPendingTimer(): void {
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
  }

  private clearRefreshTimer(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
  }
}
