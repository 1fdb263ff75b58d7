// Pure rows of the Stream Health view: one per endpoint (state icon and colour, live stream age and
// last drop), its current findings and last drops as children. No vscode import: unit-tested.

import { formatAgo, formatDuration } from '../../core/format.ts';
import type { DropRecord, EndpointStatus, HistorySnapshot } from '../../core/model.ts';
import type { SessionState } from '../../core/states.ts';
import { assertNever } from '../../core/errors.ts';
import { isDown } from '../statusSummary.ts';

/** Last drops listed under an endpoint. */
export const DROPS_SHOWN = 5;

export interface RowIcon {
  /** A codicon id (`pass`, `warning`, `sync~spin`...). */
  readonly id: string;
  /** A theme colour id, or none for the default foreground. */
  readonly color?: string;
}

export function stateIcon(s: EndpointStatus): RowIcon {
  if (isDown(s)) return { id: 'error', color: 'list.errorForeground' };
  const state: SessionState = s.state;
  switch (state) {
    case 'open':
      return { id: 'pass', color: 'testing.iconPassed' };
    case 'stale':
      return { id: 'warning', color: 'list.warningForeground' };
    case 'idle':
    case 'connecting':
    case 'dropped':
    case 'backoff':
      return { id: 'sync', color: 'list.warningForeground' };
    case 'failed':
      return { id: 'error', color: 'list.errorForeground' };
    case 'paused':
      return { id: 'debug-pause', color: 'disabledForeground' };
    default:
      return assertNever(state);
  }
}

/** `open 3 m · last drop 2 m ago (idle-timeout)`: the live part of an endpoint row. */
export function endpointDescription(s: EndpointStatus, now: number): string {
  const parts: string[] = [];
  if ((s.state === 'open' || s.state === 'stale') && s.openedAt !== undefined) parts.push(`${s.state} ${formatDuration(now - s.openedAt)}`);
  else if (s.state === 'backoff' && s.nextAttemptAt !== undefined) parts.push(`backoff, retry in ${formatDuration(s.nextAttemptAt - now)}`);
  else parts.push(s.state);
  if (s.lastDrop) parts.push(`last drop ${formatAgo(s.lastDrop.at, now)} (${s.lastDrop.cause})`);
  return parts.join(' · ');
}

/** Row context value: `endpoint-<state>`, so menus can tell Pause from Resume. */
export function endpointContext(s: EndpointStatus): string {
  return `endpoint-${s.state}`;
}

export interface DropRow {
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
}

/** The last drops, newest first; `manual` (our own reconnects) left out. */
export function dropRows(history: HistorySnapshot | undefined, name: string, now: number): DropRow[] {
  const drops: DropRecord[] = (history?.endpoints[name]?.drops ?? []).filter((d) => d.cause !== 'manual');
  return drops.slice(-DROPS_SHOWN).reverse().map((d) => ({
    label: `drop: ${d.cause}`,
    description: `${formatAgo(d.at, now)}, after ${formatDuration(d.streamAgeMs)}, ${formatDuration(d.silenceMs)} silent`,
    tooltip: d.detail,
  }));
}

/** The view's badge: endpoints down (paused ones do not count). */
export function downCount(statuses: readonly EndpointStatus[]): number {
  return statuses.filter((s) => s.state !== 'paused' && isDown(s)).length;
}
