// Text for people: durations ("1 m 05 s"), relative times ("12 s ago"), countdowns and labels for
// states and drop causes. Pure (no DOM) so node tests cover it.

import type { DropCause } from '../core/events.ts';
import type { SessionState } from '../core/states.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Compact duration: "850 ms", "12 s", "1 m 05 s", "2 h 03 m", "3 d 04 h". */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const v = Math.max(0, ms);
  if (v < SECOND) return `${Math.round(v)} ms`;
  if (v < 10 * SECOND) return `${(Math.floor(v / 100) / 10).toFixed(1).replace(/\.0$/, '')} s`;
  if (v < MINUTE) return `${Math.floor(v / SECOND)} s`;
  if (v < HOUR) return `${Math.floor(v / MINUTE)} m ${pad2(Math.floor((v % MINUTE) / SECOND))} s`;
  if (v < DAY) return `${Math.floor(v / HOUR)} h ${pad2(Math.floor((v % HOUR) / MINUTE))} m`;
  return `${Math.floor(v / DAY)} d ${pad2(Math.floor((v % DAY) / HOUR))} h`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "12 s ago", "just now", "never"; future times (clock skew) read as "just now". */
export function formatAgo(at: number | undefined, now: number): string {
  if (at === undefined) return 'never';
  const delta = now - at;
  if (delta < SECOND) return 'just now';
  return `${formatDuration(delta)} ago`;
}

/** Backoff countdown: "in 4 s", "now" once due. */
export function formatCountdown(dueAt: number | undefined, now: number): string {
  if (dueAt === undefined) return '—';
  const left = dueAt - now;
  if (left <= 0) return 'now';
  // Round up: "in 1 s" until it is really due.
  return `in ${formatDuration(Math.ceil(left / SECOND) * SECOND)}`;
}

/** Seconds with a unit, rounded sensibly for settings: 60000 -> "60 s", 1500 -> "1.5 s". */
export function formatSeconds(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const s = ms / SECOND;
  return `${s >= 10 ? Math.round(s) : Math.round(s * 10) / 10} s`;
}

/** Wall-clock time of day for tooltips, in the viewer's locale-neutral 24 h form. */
export function formatClock(at: number): string {
  const d = new Date(at);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

export const STATE_LABELS: Readonly<Record<SessionState, string>> = {
  idle: 'Idle',
  connecting: 'Connecting',
  open: 'Open',
  stale: 'Stale',
  dropped: 'Dropped',
  backoff: 'Reconnecting',
  paused: 'Paused',
  failed: 'Failed',
};

/** Severity drives the badge colour; the label and icon carry the same meaning without colour. */
export type Severity = 'ok' | 'warn' | 'error' | 'muted';

export const STATE_SEVERITY: Readonly<Record<SessionState, Severity>> = {
  idle: 'muted',
  connecting: 'warn',
  open: 'ok',
  stale: 'warn',
  dropped: 'error',
  backoff: 'warn',
  paused: 'muted',
  failed: 'error',
};

/** Glyphs beside the label (the codicon font is not loaded in the webview); shape, not colour, tells them apart. */
export const STATE_ICONS: Readonly<Record<SessionState, string>> = {
  idle: '○',
  connecting: '◌',
  open: '●',
  stale: '◐',
  dropped: '✕',
  backoff: '↻',
  paused: '❚❚',
  failed: '⚠',
};

export const CAUSE_LABELS: Readonly<Record<DropCause, string>> = {
  watchdog: 'silent death (watchdog)',
  eof: 'server ended stream',
  reset: 'connection reset',
  'http-status': 'HTTP status',
  'grpc-status': 'gRPC status',
  'ws-close': 'WebSocket close',
  'protocol-error': 'protocol error',
  manual: 'manual',
};

export function causeLabel(cause: string): string {
  return (CAUSE_LABELS as Record<string, string>)[cause] ?? cause;
}

/**
 * A drop cause with its status code when one is known: "HTTP status 504". A code that belongs to
 * another layer than the cause names its layer, so "connection reset 13" reads "connection reset
 * (gRPC status 13)".
 */
export function describeDrop(drop: { cause: DropCause; httpStatus?: number; grpcCode?: number; wsCloseCode?: number }): string {
  const label = causeLabel(drop.cause);
  if (drop.httpStatus !== undefined) return drop.cause === 'http-status' ? `${label} ${drop.httpStatus}` : `${label} (HTTP status ${drop.httpStatus})`;
  if (drop.grpcCode !== undefined) return drop.cause === 'grpc-status' ? `${label} ${drop.grpcCode}` : `${label} (gRPC status ${drop.grpcCode})`;
  if (drop.wsCloseCode !== undefined) return drop.cause === 'ws-close' ? `${label} ${drop.wsCloseCode}` : `${label} (WebSocket close ${drop.wsCloseCode})`;
  return label;
}

/** "1 drop", "3 drops". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
