// Pure aggregation behind the status bar item: the `$(pulse) 2/3` text, its colour level, the
// per-endpoint Markdown tooltip and the screen-reader label. No vscode import: unit-tested.

import { formatAgo, formatDuration } from '../core/format.ts';
import { needsSignIn } from '../core/model.ts';
import type { EndpointStatus, HistorySnapshot } from '../core/model.ts';
import type { SessionState } from '../core/states.ts';
import { escapeMarkdown } from './format.ts';
import type { BlockedEndpoint } from '../shared/protocol.ts';

export type StatusLevel = 'ok' | 'warning' | 'error';

export interface StatusSummaryInput {
  readonly statuses: readonly EndpointStatus[];
  readonly history?: HistorySnapshot;
  readonly blocked: readonly BlockedEndpoint[];
  /** Invalid settings entries, already formatted (e.g. `User settings: endpoints[1].url: not a URL`). */
  readonly issues: readonly string[];
  /** Unknown settings fields, ignored while their entries run; shown, but the colour stays. */
  readonly ignored?: readonly string[];
  /** Discovered MCP servers found but not monitored (src/extension/discovery.ts). */
  readonly discovered?: number;
  /** Where a discovered endpoint comes from, by name (`from .vscode/mcp.json`). */
  readonly sources?: Readonly<Record<string, string>>;
  /** Wall-clock ms. */
  readonly now: number;
}

export interface StatusSummary {
  /** False when nothing is configured: the item stays hidden so an idle install adds no noise. */
  readonly visible: boolean;
  readonly text: string;
  readonly level: StatusLevel;
  readonly tooltipMarkdown: string;
  readonly accessibilityLabel: string;
}

const HOUR_MS = 3_600_000;
/** Consecutive failed attempts after which a reconnecting endpoint counts as down. */
export const DOWN_AFTER_ATTEMPTS = 3;

const RECONNECTING: readonly SessionState[] = ['idle', 'connecting', 'dropped', 'backoff'];

/**
 * Down: `failed`, or reconnecting after several attempts of which the last could not even open a
 * stream (`lastError` is cleared by a successful open). A stream an intermediary cuts every few
 * seconds also climbs the attempt count, but each attempt opens: that is churn, not down.
 */
export function isDown(s: EndpointStatus): boolean {
  return s.state === 'failed' || (RECONNECTING.includes(s.state) && s.attempt >= DOWN_AFTER_ATTEMPTS && s.lastError !== undefined);
}

export function dropsInLastHour(history: HistorySnapshot | undefined, name: string, now: number): number {
  const drops = history?.endpoints[name]?.drops ?? [];
  return drops.filter((d) => d.at > now - HOUR_MS && d.cause !== 'manual').length;
}

function stateText(s: EndpointStatus, now: number): string {
  if (s.state === 'backoff' && s.nextAttemptAt !== undefined) {
    return `backoff, retry in ${formatDuration(s.nextAttemptAt - now)} (attempt ${s.attempt})`;
  }
  if (needsSignIn(s)) return `Sign in required (Stream Health: Sign In…): ${s.reason ?? s.lastError?.message ?? ''}`;
  if ((s.state === 'failed' || s.state === 'paused') && s.reason) return `${s.state}: ${s.reason}`;
  if (s.state === 'connecting' && s.attempt > 1) return `connecting (attempt ${s.attempt})`;
  return s.state;
}

function lastHeartbeat(s: EndpointStatus, now: number): string {
  const inAt = s.lastHeartbeatInAt;
  const outAt = s.lastHeartbeatOutAt;
  if (inAt === undefined && outAt === undefined) return 'none yet';
  if (outAt === undefined || (inAt !== undefined && inAt >= outAt)) return `${formatAgo(inAt, now)} (server)`;
  return `${formatAgo(outAt, now)} (client)`;
}

export function summarize(input: StatusSummaryInput): StatusSummary {
  const { statuses, blocked, issues, now, ignored = [], discovered = 0, sources = {} } = input;
  const active = statuses.filter((s) => s.state !== 'paused');
  const paused = statuses.length - active.length;
  const open = active.filter((s) => s.state === 'open').length;
  const down = active.filter(isDown).length;
  const degraded = active.filter((s) => s.state === 'stale' || (RECONNECTING.includes(s.state) && !isDown(s))).length;
  const level: StatusLevel = down > 0 ? 'error' : degraded > 0 || issues.length > 0 ? 'warning' : 'ok';

  let text = `$(pulse) ${open}/${active.length}`;
  if (paused > 0) text += ` $(debug-pause) ${paused}`;
  if (blocked.length > 0) text += ` $(workspace-untrusted) ${blocked.length}`;

  const parts: string[] = [];
  parts.push(`**Stream Health**: ${open} of ${active.length} monitored streams open` +
    (paused ? `, ${paused} paused` : '') + (down ? `, ${down} down` : '') + (degraded ? `, ${degraded} stale or reconnecting` : ''));
  if (statuses.length > 0) {
    const rows = ['| Endpoint | State | Stream age | Last heartbeat | Drops (1 h) |', '|---|---|---|---|---:|'];
    for (const s of statuses) {
      const age = s.openedAt !== undefined && (s.state === 'open' || s.state === 'stale') ? formatDuration(now - s.openedAt) : '-';
      const source = sources[s.name] ? ` (${escapeMarkdown(sources[s.name]!)})` : '';
      rows.push(`| ${escapeMarkdown(s.name)}${source} | ${escapeMarkdown(stateText(s, now))} | ${age} | ${lastHeartbeat(s, now)} | ${dropsInLastHour(input.history, s.name, now)} |`);
    }
    parts.push(rows.join('\n'));
  }
  if (blocked.length > 0) {
    parts.push('**Not started:**\n\n' + blocked.map((b) => `- ${escapeMarkdown(b.name)}: ${escapeMarkdown(b.reason)}`).join('\n'));
  }
  if (issues.length > 0) {
    parts.push('**Invalid settings entries (skipped):**\n\n' + issues.map((i) => `- ${escapeMarkdown(i)}`).join('\n'));
  }
  if (ignored.length > 0) {
    parts.push('**Unknown settings fields (ignored; the entries run):**\n\n' + ignored.map((i) => `- ${escapeMarkdown(i)}`).join('\n'));
  }
  if (discovered > 0) {
    parts.push(`**Discovered:** ${discovered} MCP server${discovered === 1 ? '' : 's'} not monitored; run "Stream Health: Discover MCP Servers…" to choose.`);
  }
  parts.push('Click to open the dashboard.');

  const a11y: string[] = [`Stream Health: ${open} of ${active.length} streams open`];
  if (down) a11y.push(`${down} down`);
  if (degraded) a11y.push(`${degraded} stale or reconnecting`);
  if (paused) a11y.push(`${paused} paused`);
  if (blocked.length) a11y.push(`${blocked.length} not started in an untrusted workspace`);
  if (issues.length) a11y.push(`${issues.length} invalid settings entries`);
  if (ignored.length) a11y.push(`${ignored.length} unknown settings fields ignored`);
  if (discovered) a11y.push(`${discovered} discovered MCP servers not monitored`);

  return {
    visible: statuses.length > 0 || blocked.length > 0 || issues.length > 0 || discovered > 0,
    text,
    level,
    tooltipMarkdown: parts.join('\n\n'),
    accessibilityLabel: a11y.join(', '),
  };
}
