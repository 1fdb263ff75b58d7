// Pure text rendering for the CLI: NDJSON lines, one human line per event, and the live table.

import type { StreamEvent } from '../core/events.ts';
import { describeCodes, describeHops, formatAgo, formatDuration } from '../core/format.ts';
import type { EndpointStatus, Finding } from '../core/model.ts';
import { fixLines, type SnippetEndpoint } from '../shared/fixes/index.ts';

/** One NDJSON line: the core's event exactly as docs/design.md defines it. */
export function ndjson(event: StreamEvent | Record<string, unknown>): string {
  return JSON.stringify(event);
}

/** A human line for one event, e.g. `12:00:01 orders-mcp drop reset after 100 s (silent 100 s): terminated`. */
export function eventLine(e: StreamEvent): string {
  return `${e.ts.slice(11, 19)} ${e.endpoint} ${describeEvent(e)}`;
}

export function describeEvent(e: StreamEvent): string {
  switch (e.event) {
    case 'connecting':
      return `connecting (attempt ${e.attempt})`;
    case 'open':
      return `open${e.detail ? `: ${e.detail}` : ''}`;
    case 'heartbeat':
      return `heartbeat ${e.direction} ${e.kind}${e.rttMs !== undefined ? ` ${formatDuration(e.rttMs)}` : ''}`;
    case 'message':
      return `message ${e.bytes} bytes`;
    case 'stale':
      return `stale: nothing received for ${formatDuration(e.silenceMs)}`;
    case 'drop': {
      const codes = describeCodes(e);
      return `DROP ${e.cause} after ${formatDuration(e.streamAgeMs)} (silent ${formatDuration(e.silenceMs)})${codes.length ? ` [${codes.join(', ')}]` : ''}: ${e.detail}`;
    }
    case 'error': {
      const codes = describeCodes(e);
      return `ERROR ${e.cause}${codes.length ? ` (${codes.join(', ')})` : ''}: ${e.message}`;
    }
    case 'backoff':
      return `retry in ${formatDuration(e.delayMs)} (attempt ${e.attempt})`;
    case 'diagnosis':
      return `DIAGNOSIS ${e.finding}: ${e.message}${e.hops?.length ? ` [path: ${describeHops(e.hops, e.match)}]` : ''}`;
    case 'paused':
      return 'paused';
    case 'resumed':
      return 'resumed';
  }
}

/** Finding text in full, for human output: message and the fix on its own line. */
export function findingLines(endpoint: string, finding: Finding): string[] {
  const path = finding.hops?.length ? [`  path: ${describeHops(finding.hops, finding.match)}`] : [];
  return [`${endpoint}: ${finding.finding}: ${finding.message}`, ...path, `  fix: ${finding.fix}`];
}

/** The dashboard's fix snippets in one line each (server call, matched proxy setting, client settings), indented. */
export function fixSnippetLines(finding: Finding, endpoint: SnippetEndpoint): string[] {
  return fixLines(finding, endpoint).map((line) => `  ${line}`);
}

export interface TableRow {
  readonly status: EndpointStatus;
  /** Drops seen during this run (manual ones excluded). */
  readonly drops: number;
}

const HEADERS = ['ENDPOINT', 'STATE', 'VIA', 'STREAM AGE', 'LAST HEARTBEAT', 'DROPS', 'FINDING'] as const;

/** `direct`, or the proxy's host:port (the full route, with its source, is in the open line). */
function viaText(s: EndpointStatus): string {
  const proxy = s.route ? /via proxy \S+:\/\/(\S+)/.exec(s.route)?.[1] : undefined;
  return proxy ? `proxy ${proxy}` : 'direct';
}

function lastHeartbeat(s: EndpointStatus, nowWall: number): string {
  const parts: string[] = [];
  if (s.lastHeartbeatInAt !== undefined) parts.push(`in ${formatAgo(s.lastHeartbeatInAt, nowWall)}`);
  if (s.lastHeartbeatOutAt !== undefined) parts.push(`out ${formatAgo(s.lastHeartbeatOutAt, nowWall)}`);
  return parts.length ? parts.join(', ') : 'none';
}

function stateText(s: EndpointStatus, nowWall: number): string {
  if (s.state === 'backoff' && s.nextAttemptAt !== undefined) return `backoff ${formatDuration(s.nextAttemptAt - nowWall)}`;
  return s.state;
}

/** The compact live table: a header and one row per endpoint, each line cut to `width`. */
export function renderTable(rows: readonly TableRow[], nowWall: number, width = 120): string[] {
  const cells = rows.map(({ status: s, drops }) => [
    s.name,
    stateText(s, nowWall),
    viaText(s),
    s.openedAt !== undefined ? formatDuration(nowWall - s.openedAt) : '-',
    lastHeartbeat(s, nowWall),
    String(drops),
    s.findings.map((f) => (f.match ? `${f.finding} (${f.match})` : f.finding)).join(', ') || '-',
  ]);
  const all = [[...HEADERS], ...cells];
  const widths = HEADERS.map((_, col) => Math.max(...all.map((r) => r[col]!.length)));
  return all.map((r) => fit(r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  '), width));
}

/** Cuts a line to the terminal width so redraws can count lines exactly. */
export function fit(line: string, width: number): string {
  return line.length <= width ? line : `${line.slice(0, Math.max(1, width - 1))}…`;
}

/** Splits long text into lines of at most `width` characters, at spaces where possible. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const out: string[] = [];
  // The first line keeps the text's own leading indentation.
  let line = /^\s*/.exec(text)![0];
  for (const word of text.trim().split(/\s+/)) {
    if (!word) continue;
    const candidate = line.trim() ? `${line} ${word}` : `${line}${word}`;
    if (candidate.length <= width || !line.trim()) line = candidate;
    else {
      out.push(line);
      line = `${indent}${word}`;
    }
    while (line.length > width) {
      out.push(line.slice(0, width));
      line = `${indent}${line.slice(width)}`;
    }
  }
  if (line) out.push(line);
  return out;
}
