// Small view decisions kept out of the DOM code: the filter match and the one-line summary.

import type { EndpointStatus } from '../core/model.ts';
import { isLive } from '../core/states.ts';

/** Case-insensitive substring match on the endpoint name; an empty filter matches everything. */
export function matchesFilter(name: string, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  return f === '' || name.toLowerCase().includes(f);
}

/** "3 of 4 streams open · 1 stale · 1 blocked · 2 findings". */
export function summaryLine(statuses: readonly EndpointStatus[], blocked: number): string {
  if (statuses.length === 0 && blocked === 0) return 'No endpoints';
  const open = statuses.filter((s) => s.state === 'open').length;
  const stale = statuses.filter((s) => s.state === 'stale').length;
  const down = statuses.filter((s) => !isLive(s.state) && s.state !== 'paused').length;
  const paused = statuses.filter((s) => s.state === 'paused').length;
  const parts = [`${open} of ${statuses.length} ${statuses.length === 1 ? 'stream' : 'streams'} open`];
  if (stale) parts.push(`${stale} stale`);
  if (down) parts.push(`${down} down or reconnecting`);
  if (paused) parts.push(`${paused} paused`);
  if (blocked) parts.push(`${blocked} blocked`);
  const findings = statuses.reduce((n, s) => n + s.findings.length, 0);
  if (findings) parts.push(`${findings} ${findings === 1 ? 'finding' : 'findings'}`);
  return parts.join(' · ');
}
