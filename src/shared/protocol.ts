// The typed messages between the dashboard panel (extension side) and its webview (DOM side).
// Both sides import this with `import type` only, so it never adds code to either bundle.

import type { StreamEvent } from '../core/events.ts';
import type { EndpointStatus, HistorySnapshot } from '../core/model.ts';
import type { ServerLanguage } from './fixes/serverLanguages.ts';

/** An endpoint configured in an untrusted workspace and therefore not started. */
export interface BlockedEndpoint {
  readonly name: string;
  readonly reason: string;
}

/** A discovered MCP server that is found but not monitored: the dashboard's Discovered group. */
export interface DiscoveredEndpoint {
  readonly name: string;
  readonly kind: string;
  /** Redacted like every URL shown. */
  readonly url: string;
  /** `from .vscode/mcp.json, ~/.cursor/mcp.json`. */
  readonly source: string;
}

export type ExportFormat = 'json' | 'csv';

// ---- extension -> webview ----------------------------------------------------------------------

/** Everything the panel shows; sent after `ready`, on endpoint-set changes, and as a periodic resync. */
export interface ToWebviewSnapshot {
  readonly type: 'snapshot';
  readonly endpoints: readonly EndpointStatus[];
  readonly history: HistorySnapshot;
  readonly blocked: readonly BlockedEndpoint[];
  /** Settings entries skipped as invalid, one redacted sentence each (absent from older senders). */
  readonly invalid?: readonly string[];
  /** Unknown settings fields, ignored while their entries run, one redacted sentence each. */
  readonly ignored?: readonly string[];
  /** Where each running discovered endpoint comes from, by name (absent from older senders). */
  readonly sources?: Readonly<Record<string, string>>;
  /** Discovered MCP servers not monitored, each with a Monitor button. */
  readonly discovered?: readonly DiscoveredEndpoint[];
  /** Extension wall-clock epoch ms when the snapshot was taken (the webview corrects its clock skew). */
  readonly now: number;
}

/**
 * What changed since the last message, coalesced: at most 4 of these per second. `endpoints` is the
 * full live status (small); `events` are the core events since the last flush, which the webview
 * folds into its copy of the history.
 */
export interface ToWebviewUpdate {
  readonly type: 'update';
  readonly endpoints: readonly EndpointStatus[];
  readonly blocked: readonly BlockedEndpoint[];
  readonly invalid?: readonly string[];
  readonly ignored?: readonly string[];
  readonly sources?: Readonly<Record<string, string>>;
  readonly discovered?: readonly DiscoveredEndpoint[];
  readonly events: readonly StreamEvent[];
  readonly now: number;
}

export type ToWebviewMessage = ToWebviewSnapshot | ToWebviewUpdate;

// ---- webview -> extension ----------------------------------------------------------------------

/** The webview's scripts are running and it can take a snapshot. */
export interface FromWebviewReady { readonly type: 'ready' }
export interface FromWebviewReconnect { readonly type: 'reconnect'; readonly endpoint: string }
export interface FromWebviewPause { readonly type: 'pause'; readonly endpoint: string }
export interface FromWebviewResume { readonly type: 'resume'; readonly endpoint: string }
export interface FromWebviewMeasureIdle { readonly type: 'measureIdle'; readonly endpoint: string }
/** The card's Sign In button (an endpoint that needs an OAuth sign-in). */
export interface FromWebviewSignIn { readonly type: 'signIn'; readonly endpoint: string }
export interface FromWebviewExportReport { readonly type: 'exportReport'; readonly format: ExportFormat }
/** Clipboard writes go through the extension (VS Code's clipboard API works in every host). */
export interface FromWebviewCopy { readonly type: 'copy'; readonly text: string; readonly label?: string }
/** The Monitor button of a server in the Discovered group. */
export interface FromWebviewMonitorDiscovered { readonly type: 'monitorDiscovered'; readonly name: string }

export type FromWebviewMessage =
  | FromWebviewReady
  | FromWebviewReconnect
  | FromWebviewPause
  | FromWebviewResume
  | FromWebviewMeasureIdle
  | FromWebviewSignIn
  | FromWebviewExportReport
  | FromWebviewCopy
  | FromWebviewMonitorDiscovered;

/** Initial state handed over in the HTML's `data-initial` attribute, so the first paint needs no round trip. */
export interface DashboardInitialState {
  readonly snapshot: ToWebviewSnapshot;
}

/** What the webview keeps in `vscode.setState` across reloads and hide/show. */
export interface DashboardViewState {
  readonly filter: string;
  /** Timeline window in ms: 15 min, 1 h or 24 h. */
  readonly windowMs: number;
  readonly scrollY: number;
  /** The language the server fix is shown and copied in (remembered per dashboard). */
  readonly serverLanguage?: ServerLanguage;
}
