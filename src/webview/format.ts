// Text for people in the dashboard: countdowns, clock times and labels for states and drop causes
// (durations and relative times come from core/format.ts). Pure (no DOM) so node tests cover it.

import type { DropCause, ProtocolCodes } from '../core/events.ts';
import { describeCodes, formatDuration, pad2, PROTOCOL_CODE_NAMES } from '../core/format.ts';
import type { SessionState } from '../core/states.ts';

/** Backoff countdown: "in 4 s", "now" once due. */
export function formatCountdown(dueAt: number | undefined, now: number): string {
  if (dueAt === undefined) return '—';
  const left = dueAt - now;
  if (left <= 0) return 'now';
  // Round up: "in 1 s" until it is really due.
  return `in ${formatDuration(Math.ceil(left / 1000) * 1000)}`;
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
  // The same words as the codes' own names, so describeDrop can tell a cause's own code from another layer's.
  'http-status': PROTOCOL_CODE_NAMES.httpStatus.label,
  'grpc-status': PROTOCOL_CODE_NAMES.grpcCode.label,
  'ws-close': PROTOCOL_CODE_NAMES.wsCloseCode.label,
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
export function describeDrop(drop: { readonly cause: DropCause } & ProtocolCodes): string {
  const label = causeLabel(drop.cause);
  const codes = describeCodes(drop);
  const own = codes.find((c) => c.startsWith(`${label} `));
  const others = codes.filter((c) => c !== own);
  return `${own ?? label}${others.length ? ` (${others.join(', ')})` : ''}`;
}

/** "1 drop", "3 drops". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
