// What the dashboard panel needs from the rest of the extension: live data and the user actions its
// buttons trigger. ExtensionDashboardModel (extensionModel.ts) implements it over the endpoint
// manager; the panel code depends only on this interface, so its tests supply their own.

import type { StreamEvent } from '../../core/events.ts';
import type { EndpointStatus, HistorySnapshot } from '../../core/model.ts';
import type { BlockedEndpoint, DiscoveredEndpoint } from '../../shared/protocol.ts';

export interface DashboardModel {
  status(): EndpointStatus[];
  history(): HistorySnapshot;
  /** Every core event plus a call with `undefined` when the endpoint set or a state changed. */
  onDidChange(listener: (event: StreamEvent | undefined) => void): { dispose(): void };
  /** Endpoints configured in an untrusted workspace that were not started, with the reason. */
  blocked(): readonly BlockedEndpoint[];
  /** Settings entries skipped as invalid, one redacted sentence each ("User settings: endpoints[2].url: ..."). */
  invalidEntries(): readonly string[];
  /** Unknown fields, ignored while their entries run ("User settings: endpoints[0].heartbeatSecond: ..."). */
  ignoredFields(): readonly string[];
  /** Where each running discovered endpoint comes from (`from .vscode/mcp.json`), by name. */
  sources?(): Readonly<Record<string, string>>;
  /** Discovered MCP servers found but not monitored. */
  discovered?(): readonly DiscoveredEndpoint[];
  /** Starts monitoring a discovered server (the Monitor button); asks for its inputs first. */
  monitorDiscovered?(name: string): Promise<void>;
  reconnect(endpoint?: string): void;
  pause(endpoint?: string): void;
  resume(endpoint?: string): void;
  /** Runs the idle probe with progress UI (the Measure Idle Timeout command). */
  measureIdle(endpoint: string): Promise<void>;
  /** Runs the OAuth sign-in with progress UI (the Sign In command). */
  signIn(endpoint: string): Promise<void>;
  /** Shows a save dialog and writes the report (the Export Report command). */
  exportReport(format: 'json' | 'csv'): Promise<void>;
}
