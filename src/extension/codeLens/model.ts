// Pure side of the CodeLens in MCP config files: which server keys of a file get a lens (the remote
// servers discovery mapped from it) and what the lens says. No vscode import: unit-tested.

import { assertNever } from '../../core/errors.ts';
import { formatDuration } from '../../core/format.ts';
import type { EndpointStatus, Finding } from '../../core/model.ts';
import type { DiscoveredServer } from '../../discovery/mapping.ts';
import { sectionPath } from '../../discovery/sources.ts';
import { objectKeys } from '../../shared/jsonc.ts';

export interface ServerLens {
  /** Offset of the server's key in the file's text. */
  readonly offset: number;
  /** The discovered endpoint's name (may carry a source suffix on a clash). */
  readonly name: string;
}

/**
 * One lens per key of `file` that discovery mapped to a ready (remote, monitorable) server; stdio and
 * other skipped entries get none. `servers` is discovery's current list.
 */
export function serverLenses(text: string, file: string, servers: readonly DiscoveredServer[]): ServerLens[] {
  const out: ServerLens[] = [];
  const sections = new Map<string, string[]>();
  for (const server of servers) {
    if (server.status !== 'ready') continue;
    for (const entry of server.entries) {
      if (entry.source.file !== file) continue;
      const path = sectionPath(entry.source.section);
      sections.set(JSON.stringify(path), path);
    }
  }
  for (const path of sections.values()) {
    const pathKey = JSON.stringify(path);
    for (const key of objectKeys(text, path)) {
      const server = servers.find((s) => s.status === 'ready' && s.entries.some((e) => e.source.file === file && e.key === key.key && JSON.stringify(sectionPath(e.source.section)) === pathKey));
      if (server) out.push({ offset: key.offset, name: server.name });
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/** A finding in a few words: `dies after 100 s idle (Cloudflare)`. */
export function findingPhrase(f: Finding): string {
  const by = f.match ? ` (${f.match})` : '';
  switch (f.finding) {
    case 'intermediary-idle-timeout':
      return `dies after ${formatDuration(f.estimateMs)} idle${by}`;
    case 'stream-lifetime-limit':
      return `cut after ${formatDuration(f.estimateMs)} open${by}`;
    case 'silent-dead-connection':
      return `goes silently dead${by}`;
    case 'no-server-heartbeat':
      return 'no server heartbeat';
    case 'gateway-timeout':
      return `gateway timeout${by}`;
    case 'flapping':
      return `flapping${by}`;
    case 'keepalive-mismatch':
      return `server keep-alive ≈ ${formatDuration(f.estimateMs)} too short${by}`;
    default:
      return assertNever(f.finding);
  }
}

function stateWords(s: EndpointStatus, now: number): string {
  if ((s.state === 'open' || s.state === 'stale') && s.openedAt !== undefined) return `${s.state} ${formatDuration(now - s.openedAt)}`;
  if (s.state === 'backoff' || s.state === 'dropped' || (s.state === 'connecting' && s.attempt > 1)) return 'reconnecting';
  return s.state;
}

/** `open 3 h · 2 drops/h · dies after 100 s idle (Cloudflare)` (the lens prefixes `Stream Health: `); drops left out at zero. */
export function statusLensText(s: EndpointStatus, dropsLastHour: number, now: number): string {
  const parts = [stateWords(s, now)];
  if (dropsLastHour > 0) parts.push(`${dropsLastHour} drop${dropsLastHour === 1 ? '' : 's'}/h`);
  for (const f of s.findings) parts.push(findingPhrase(f));
  return parts.join(' · ');
}
