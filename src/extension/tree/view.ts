// The Stream Health view (its own activity-bar container): one row per endpoint with a coloured state
// icon, live stream age and last drop, the status bar's tooltip, current findings and last drops as
// children, and a badge counting endpoints down. The welcome view (package.json) shows when empty.

import * as vscode from 'vscode';
import type { BlockedEndpoint } from '../../shared/protocol.ts';
import type { EndpointStatus, Finding } from '../../core/model.ts';
import type { EndpointManager } from '../endpointManager.ts';
import { summarize } from '../statusSummary.ts';
import { Disposable } from '../util/dispose.ts';
import { downCount, dropRows, endpointContext, endpointDescription, stateIcon, type DropRow } from './model.ts';

export const VIEW_ID = 'streamHealth.endpoints';
/** Stream ages tick while the view is visible. */
const TICK_MS = 5000;
const COALESCE_MS = 200;

/** Every node carries its endpoint's name, so commands run from the view know their target. */
export type TreeNode =
  | { readonly type: 'endpoint'; readonly endpoint: string }
  | { readonly type: 'blocked'; readonly endpoint: string; readonly reason: string }
  | { readonly type: 'finding'; readonly endpoint: string; readonly finding: Finding }
  | { readonly type: 'drop'; readonly endpoint: string; readonly index: number; readonly row: DropRow };

export class EndpointsView extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  readonly view: vscode.TreeView<TreeNode>;
  private readonly manager: EndpointManager;
  private readonly changed: vscode.EventEmitter<TreeNode | undefined>;
  readonly onDidChangeTreeData: vscode.Event<TreeNode | undefined>;
  private pendingTimer: ReturnType<typeof setTimeout> | undefined;
  private tickTimer: ReturnType<typeof setInterval> | undefined;

  constructor(manager: EndpointManager) {
    super();
    this.manager = manager;
    this.changed = this._register(new vscode.EventEmitter<TreeNode | undefined>());
    this.onDidChangeTreeData = this.changed.event;
    this.view = this._register(vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true }));
    this._register(manager.onDidChange((event) => {
      if (!event || (event.event !== 'message' && event.event !== 'heartbeat')) this.scheduleRefresh();
    }));
    this._register(this.view.onDidChangeVisibility(() => this.syncTick()));
    this._register({
      dispose: () => {
        if (this.pendingTimer) clearTimeout(this.pendingTimer);
        this.stopTick();
      },
    });
    this.updateBadge();
    this.syncTick();
  }

  scheduleRefresh(): void {
    if (this.pendingTimer || this.isDisposed) return;
    this.pendingTimer = setTimeout(() => {
      this.pendingTimer = undefined;
      this.refresh();
    }, COALESCE_MS);
  }

  refresh(): void {
    if (this.isDisposed) return;
    this.updateBadge();
    this.changed.fire(undefined);
  }

  private updateBadge(): void {
    const down = downCount(this.manager.status());
    this.view.badge = down > 0 ? { value: down, tooltip: vscode.l10n.t('{0} endpoint(s) down', down) } : undefined;
  }

  private syncTick(): void {
    if (this.view.visible && !this.tickTimer) this.tickTimer = setInterval(() => this.refresh(), TICK_MS);
    else if (!this.view.visible) this.stopTick();
  }

  private stopTick(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = undefined;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) {
      const rows: TreeNode[] = this.manager.status().map((s) => ({ type: 'endpoint', endpoint: s.name }));
      for (const b of this.manager.blocked() as readonly BlockedEndpoint[]) rows.push({ type: 'blocked', endpoint: b.name, reason: b.reason });
      return rows;
    }
    if (node.type !== 'endpoint') return [];
    const status = this.status(node.endpoint);
    if (!status) return [];
    const findings: TreeNode[] = status.findings.map((finding) => ({ type: 'finding', endpoint: node.endpoint, finding }));
    const drops: TreeNode[] = dropRows(this.manager.history(), node.endpoint, Date.now()).map((row, index) => ({ type: 'drop', endpoint: node.endpoint, index, row }));
    return [...findings, ...drops];
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.type) {
      case 'endpoint': {
        const s = this.status(node.endpoint);
        const item = new vscode.TreeItem(node.endpoint);
        item.id = `endpoint:${node.endpoint}`;
        if (!s) return item;
        const now = Date.now();
        const icon = stateIcon(s);
        item.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
        item.description = endpointDescription(s, now);
        item.tooltip = this.tooltip(s, now);
        item.contextValue = endpointContext(s);
        item.collapsibleState = s.findings.length > 0 || s.lastDrop ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
        item.accessibilityInformation = { label: `${node.endpoint}: ${item.description}` };
        return item;
      }
      case 'blocked': {
        const item = new vscode.TreeItem(node.endpoint);
        item.id = `blocked:${node.endpoint}`;
        item.iconPath = new vscode.ThemeIcon('workspace-untrusted');
        item.description = vscode.l10n.t('not started');
        item.tooltip = node.reason;
        item.contextValue = 'blocked';
        return item;
      }
      case 'finding': {
        const item = new vscode.TreeItem(node.finding.finding);
        item.id = `finding:${node.endpoint}:${node.finding.finding}`;
        item.iconPath = new vscode.ThemeIcon('lightbulb', new vscode.ThemeColor('list.warningForeground'));
        item.description = node.finding.message;
        item.tooltip = `${node.finding.message}\n\n${node.finding.fix}`;
        item.contextValue = 'finding';
        return item;
      }
      case 'drop': {
        const item = new vscode.TreeItem(node.row.label);
        item.id = `drop:${node.endpoint}:${node.index}`;
        item.iconPath = new vscode.ThemeIcon('debug-disconnect');
        item.description = node.row.description;
        item.tooltip = node.row.tooltip;
        item.contextValue = 'drop';
        return item;
      }
    }
  }

  private status(name: string): EndpointStatus | undefined {
    return this.manager.status().find((s) => s.name === name);
  }

  /** The status bar's tooltip for this endpoint alone (without its "click" line: rows expand). */
  private tooltip(s: EndpointStatus, now: number): vscode.MarkdownString {
    const summary = summarize({ statuses: [s], history: this.manager.historyForCounts(), blocked: [], issues: [], now });
    const markdown = new vscode.MarkdownString(summary.tooltipMarkdown.replace(/\n\nClick to open the dashboard\.$/, ''));
    markdown.isTrusted = false;
    markdown.supportHtml = false;
    return markdown;
  }
}
