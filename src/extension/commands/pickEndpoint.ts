// The endpoint Quick Pick shared by Reconnect…, Pause/Resume, Measure Idle Timeout… and Clear
// History: each endpoint with its live state, optionally an "all endpoints" item on top.

import * as vscode from 'vscode';
import { formatDuration } from '../../core/format.ts';
import type { EndpointStatus } from '../../core/model.ts';
import type { EndpointManager } from '../endpointManager.ts';
import { KEEP_OPEN } from './context.ts';

export const ALL = Symbol('all endpoints');

interface EndpointItem extends vscode.QuickPickItem {
  readonly target: string | typeof ALL;
}

function describe(s: EndpointStatus, now: number): string {
  if ((s.state === 'open' || s.state === 'stale') && s.openedAt !== undefined) return `${s.state} for ${formatDuration(now - s.openedAt)}`;
  if (s.state === 'backoff' && s.nextAttemptAt !== undefined) return `backoff, retry in ${formatDuration(s.nextAttemptAt - now)}`;
  return s.reason ? `${s.state}: ${s.reason}` : s.state;
}

/** Items are re-drawn every second and on state changes while the pick is open. */
const LIVE_REFRESH_MS = 1000;

/** Undefined when the user cancels or nothing fits (after telling them). */
export async function pickEndpoint(
  manager: EndpointManager,
  options: { title: string; allLabel?: string; filter?: (s: EndpointStatus) => boolean },
): Promise<string | typeof ALL | undefined> {
  const filter = options.filter ?? (() => true);
  if (manager.status().filter(filter).length === 0) {
    const blocked = manager.blocked();
    void vscode.window.showInformationMessage(blocked.length
      ? `Stream Health: no endpoint fits. ${blocked.length} workspace endpoint(s) are not started because this workspace is not trusted.`
      : 'Stream Health: no endpoint fits. Add one with "Stream Health: Add Endpoint…".');
    return undefined;
  }
  const items = (): EndpointItem[] => {
    const now = Date.now();
    const list: EndpointItem[] = [];
    if (options.allLabel) list.push({ label: `$(list-flat) ${options.allLabel}`, target: ALL, alwaysShow: true });
    for (const s of manager.status().filter(filter)) list.push({ label: s.name, description: describe(s, now), detail: `${s.kind} ${s.url}`, target: s.name });
    return list;
  };

  const pick = vscode.window.createQuickPick<EndpointItem>();
  pick.title = options.title;
  pick.placeholder = 'Pick an endpoint';
  pick.matchOnDetail = true;
  pick.ignoreFocusOut = KEEP_OPEN.ignoreFocusOut;
  pick.items = items();
  const refresh = () => {
    // Keep the highlighted row across refreshes (items are new objects each time).
    const active = pick.activeItems[0]?.target;
    pick.items = items();
    const again = pick.items.find((i) => i.target === active);
    if (again) pick.activeItems = [again];
  };
  const timer = setInterval(refresh, LIVE_REFRESH_MS);
  const subscription = manager.onDidChange((event) => {
    if (!event) refresh();
  });
  try {
    return await new Promise<string | typeof ALL | undefined>((resolve) => {
      pick.onDidAccept(() => {
        resolve(pick.selectedItems[0]?.target ?? pick.activeItems[0]?.target);
        pick.hide();
      });
      pick.onDidHide(() => resolve(undefined));
      pick.show();
    });
  } finally {
    clearInterval(timer);
    subscription.dispose();
    pick.dispose();
  }
}
