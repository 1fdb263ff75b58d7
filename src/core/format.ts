// Text for people, shared by the CLI, the extension's log and status bar, and the dashboard: one
// duration format and one way to name a drop's protocol codes, so every surface says the same thing.

import type { ProtocolCodes } from './events.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A duration for people. The tool's numbers are estimates within about 10 %, so precision is kept
 * only where it can matter:
 * - under 1 s: whole milliseconds, "850 ms";
 * - under 10 s: at most two decimals, "2.02 s", "1.5 s", "2 s" (heartbeats and round trips live here);
 * - under 2 min: whole seconds, "65 s", "100 s": proxies document their idle timeouts in seconds
 *   (nginx 60 s, Cloudflare 100 s), and the diagnosis names them, so these read as their docs do;
 * - under 1 h: minutes and padded seconds, "2 min 05 s", or "10 min" on the minute;
 * - under 1 day: hours and padded minutes, "2 h 05 min", or "2 h";
 * - beyond: days and padded hours, "3 d 04 h", or "3 d".
 * Each step rounds to its own unit (119.6 s reads "2 min"). Negative input (clock skew) reads as
 * zero; undefined or non-finite input reads "—".
 */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const v = Math.max(0, ms);
  if (Math.round(v) < SECOND) return `${Math.round(v)} ms`;
  if (v < 10 * SECOND) return `${Math.round(v / 10) / 100} s`;
  const seconds = Math.round(v / SECOND);
  if (seconds < 120) return `${seconds} s`;
  if (seconds * SECOND < HOUR) return twoUnits(Math.floor(seconds / 60), 'min', seconds % 60, 's');
  const minutes = Math.round(v / MINUTE);
  if (minutes * MINUTE < DAY) return twoUnits(Math.floor(minutes / 60), 'h', minutes % 60, 'min');
  const hours = Math.round(v / HOUR);
  return twoUnits(Math.floor(hours / 24), 'd', hours % 24, 'h');
}

function twoUnits(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major} ${majorUnit}` : `${major} ${majorUnit} ${pad2(minor)} ${minorUnit}`;
}

/** "12 s ago"; "just now" under a second, and for times in the future (clock skew); "never" for none. */
export function formatAgo(at: number | undefined, now: number): string {
  if (at === undefined) return 'never';
  const delta = now - at;
  if (delta < SECOND) return 'just now';
  return `${formatDuration(delta)} ago`;
}

export function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** How each protocol code is named: `label` for people, `key` for key=value log lines. Listed in this order. */
export const PROTOCOL_CODE_NAMES: Readonly<Record<keyof ProtocolCodes, { readonly label: string; readonly key: string }>> = {
  httpStatus: { label: 'HTTP status', key: 'http' },
  grpcCode: { label: 'gRPC status', key: 'grpc' },
  wsCloseCode: { label: 'WebSocket close', key: 'wsClose' },
};

export interface NamedCode {
  readonly label: string;
  readonly key: string;
  readonly value: number;
}

/** The codes a drop or error carries, with their names, in a fixed order; [] for none. */
export function namedCodes(codes: ProtocolCodes): NamedCode[] {
  const out: NamedCode[] = [];
  for (const field of Object.keys(PROTOCOL_CODE_NAMES) as (keyof ProtocolCodes)[]) {
    const value = codes[field];
    if (value !== undefined) out.push({ ...PROTOCOL_CODE_NAMES[field], value });
  }
  return out;
}

/** The codes for people, each named by its layer: ["HTTP status 504", "gRPC status 13"]; [] for none. */
export function describeCodes(codes: ProtocolCodes): string[] {
  return namedCodes(codes).map((c) => `${c.label} ${c.value}`);
}

/**
 * The hop chain for people, outermost first, the named killer marked:
 * "Cloudflare (cf-ray) › Envoy (x-envoy-upstream-service-time)" or "... › nginx (Server: nginx) ← cut here".
 */
export function describeHops(hops: readonly { readonly name: string; readonly evidence: string }[], killer?: string): string {
  return hops.map((h) => `${h.name} (${h.evidence})${h.name === killer ? ' ← cut here' : ''}`).join(' › ');
}
