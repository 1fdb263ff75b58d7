// The DashboardModel the extension gives the dashboard panel: live data from the endpoint manager
// (already redacted) and the panel's buttons routed to the same code as the commands.

import type * as vscode from 'vscode';
import type { StreamEvent } from '../../core/events.ts';
import type { EndpointStatus, HistorySnapshot } from '../../core/model.ts';
import { redactUrl } from '../../core/secrets.ts';
import type { BlockedEndpoint, DiscoveredEndpoint } from '../../shared/protocol.ts';
import { sourceText } from '../discoveryModel.ts';
import type { CommandContext } from '../commands/context.ts';
import { exportReport } from '../commands/exportReport.ts';
import { measureIdleTimeout } from '../commands/measureIdle.ts';
import { signInEndpoint } from '../commands/signIn.ts';
import type { DashboardModel } from './model.ts';
import type { EndpointManager } from '../endpointManager.ts';

export class ExtensionDashboardModel implements DashboardModel {
  private readonly manager: EndpointManager;
  private readonly commandContext: () => CommandContext;

  /** `commandContext` is lazy: the dashboard is created before the command context exists. */
  constructor(manager: EndpointManager, commandContext: () => CommandContext) {
    this.manager = manager;
    this.commandContext = commandContext;
  }

  status(): EndpointStatus[] {
    return this.manager.status();
  }

  history(): HistorySnapshot {
    return this.manager.history();
  }

  onDidChange(listener: (event: StreamEvent | undefined) => void): vscode.Disposable {
    return this.manager.onDidChange(listener);
  }

  blocked(): readonly BlockedEndpoint[] {
    return this.manager.blocked();
  }

  invalidEntries(): readonly string[] {
    return this.manager.invalidEntries();
  }

  ignoredFields(): readonly string[] {
    return this.manager.ignoredFields();
  }

  sources(): Readonly<Record<string, string>> {
    const discovery = this.commandContext().discovery;
    const out: Record<string, string> = {};
    for (const status of this.manager.status()) {
      const source = discovery.sourceOf(status.name);
      if (source) out[status.name] = this.commandContext().redactor.redact(source);
    }
    return out;
  }

  discovered(): readonly DiscoveredEndpoint[] {
    const { discovery, redactor } = this.commandContext();
    return redactor.redactDeep(discovery.notMonitored().map((s) => ({ name: s.name, kind: s.kind ?? 'mcp', url: redactUrl(s.url ?? ''), source: sourceText(s) })));
  }

  async monitorDiscovered(name: string): Promise<void> {
    await this.commandContext().discovery.monitor(name);
  }

  reconnect(endpoint?: string): void {
    if (endpoint === undefined || !this.manager.whyUnavailable(endpoint)) this.manager.reconnect(endpoint);
  }

  pause(endpoint?: string): void {
    if (endpoint === undefined || !this.manager.whyUnavailable(endpoint)) this.manager.pause(endpoint);
  }

  resume(endpoint?: string): void {
    if (endpoint === undefined || !this.manager.whyUnavailable(endpoint)) this.manager.resume(endpoint);
  }

  async measureIdle(endpoint: string): Promise<void> {
    await measureIdleTimeout(this.commandContext(), endpoint);
  }

  async signIn(endpoint: string): Promise<void> {
    await signInEndpoint(this.commandContext(), endpoint);
  }

  async exportReport(format: 'json' | 'csv'): Promise<void> {
    await exportReport(this.commandContext(), { format });
  }
}
