// The endpoint Quick Pick shared by Reconnect…, Pause/Resume, Measure Idle Timeout… and Clear
// History: each endpoint with its live state, optionally an "all endpoints" item on top.

import * as vscode from 'vscode';
import type { EndpointStatus } from '../../core/model.ts';
import type { EndpointManager } from '../endpointManager.ts';
import { formatDuration } from '../format.ts';

export const ALL = Symbol('all endpoints');

interface EndpointItem extends vscode.QuickPickItem {
  readonly target: string | typeof ALL;
}

function describe(s: EndpointStatus, now: number): string {
  if ((s.state === 'open' || s.state === 'stale') && s.openedAt !== undefined) return `${s.state} for ${formatDuration(now - s.openedAt)}`;
  if (s.state === 'backoff' && s.nextAttemptAt !== undefined) return `backoff, retry in ${formatDuration(Math.max(0, s.nextAttemptAt - now))}`;
  return s.reason ? `${s.state}: ${s.reason}` : s.state;
}

/** Undefined when the user cancels or nothing is configured (after telling them). */
export async function pickEndpoint(
  manager: EndpointManager,
  options: { title: string; allLabel?: string; filter?: (s: EndpointStatus) => boolean },
): Promise<string | typeof ALL | undefined> {
  const statuses = manager.status().filter(options.filter ?? (() => true));
  if (statuses.length === 0) {
    const blocked = manager.blocked();
    void vscode.window.showInformationMessage(blocked.length
      ? `Stream Health: no endpoint is running. ${blocked.length} workspace endpoint(s) are not started because this workspace is not trusted.`
      : 'Stream Health: no endpoint fits. Add one with "Stream Health: Add Endpoint…".');
    return undefined;
  }
  const now = Date.now();
  const items: EndpointItem[] = [];
  if (options.allLabel) items.push({ label: `$(list-flat) ${options.allLabel}`, target: ALL, alwaysShow: true });
  for (const s of statuses) items.push({ label: s.name, description: describe(s, now), detail: `${s.kind} ${s.url}`, target: s.name });
  const choice = await vscode.window.showQuickPick(items, { title: options.title, placeHolder: 'Pick an endpoint', matchOnDetail: true });
  return choice?.target;
}
