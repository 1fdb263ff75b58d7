// Names the hops a session's responses went through from what the transports saw on the wire
// (identifying headers, error-page bodies, gRPC status messages) and the forward proxy the core routed
// it through. Only catalogue labels and short Server/Via values are kept: never cookies, auth or bodies.

import { displayProxy } from './network.ts';
import type { ProxyRoute } from './network.ts';
import { CLOSE_SHAPES, INTERMEDIARIES } from './intermediaries.ts';
import type { CloseShape, Intermediary } from './intermediaries.ts';

/** One hop on the path, outermost first in a list: `{ name: 'Caddy', evidence: 'Server: Caddy' }`. */
export interface Hop {
  readonly name: string;
  readonly evidence: string;
}

/** What a transport reports about one response of the session (the stream's, a POST's, an upgrade's). */
export interface WireEvidence {
  /** Response headers or gRPC metadata as received; only identifying names are read. */
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The first bytes of a non-stream (error) answer; scanned for catalogue phrases, never kept. */
  readonly body?: string;
  /** A gRPC status message (`grpc-message`); kept only when it is a catalogue phrase. */
  readonly grpcMessage?: string;
}

export const HOP_LIMITS = {
  hops: 8,
  valueChars: 60,
  viaEntries: 8,
  bodyChars: 2048,
} as const;

/** Headers the catalogue fingerprints read, plus Via; nothing else is ever looked at. */
const IDENTIFYING = new Set(['via', ...INTERMEDIARIES.flatMap((e) => e.fingerprints.flatMap((f) => ('header' in f ? [f.header] : [])))]);

interface Found {
  readonly hop: Hop;
  readonly rank: number;
}

const TIER_RANK: Record<Intermediary['tier'], number> = { edge: 1, platform: 3, proxy: 4 };
const VIA_RANK = 2;
const SERVER_RANK = 5;

/** A header value fit to quote: printable, one line, short. */
function shortValue(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '').trim();
  return clean.length > HOP_LIMITS.valueChars ? `${clean.slice(0, HOP_LIMITS.valueChars - 1)}…` : clean;
}

function displayHeader(name: string): string {
  return name === 'server' ? 'Server' : name === 'via' ? 'Via' : name;
}

function firstValue(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}

/** Via entries in the order the header lists them (nearest the origin first, RFC 9110 section 7.6.3). */
export function viaEntries(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter(Boolean).slice(0, HOP_LIMITS.viaEntries);
}

/** Accumulates the hops of one session; bounded, first evidence per hop wins. */
export class HopCollector {
  private readonly found = new Map<string, Found>();

  add(evidence: WireEvidence): void {
    if (evidence.headers) this.addHeaders(evidence.headers);
    if (evidence.body) this.addText(evidence.body.slice(0, HOP_LIMITS.bodyChars), 'body');
    if (evidence.grpcMessage) this.addText(evidence.grpcMessage.slice(0, HOP_LIMITS.bodyChars), 'grpcMessage');
  }

  /** The hops seen, outermost first; the forward proxy the client used (if any) leads. */
  hops(route?: ProxyRoute): Hop[] {
    const list = [...this.found.values()].sort((a, b) => a.rank - b.rank).map((f) => f.hop);
    if (route?.mode === 'proxy') list.unshift({ name: `forward proxy ${displayProxy(route.url)}`, evidence: `network route (${route.source})` });
    return list.slice(0, HOP_LIMITS.hops);
  }

  get size(): number {
    return this.found.size;
  }

  private note(name: string, evidence: string, rank: number): void {
    const existing = this.found.get(name);
    // Keep the first evidence; a better (outer) position from a later header still moves the hop out.
    if (existing) {
      if (rank < existing.rank) this.found.set(name, { hop: existing.hop, rank });
      return;
    }
    if (this.found.size >= HOP_LIMITS.hops) return;
    this.found.set(name, { hop: { name, evidence }, rank });
  }

  private addHeaders(headers: Readonly<Record<string, string | readonly string[] | undefined>>): void {
    const lower = new Map<string, string>();
    for (const [name, value] of Object.entries(headers)) {
      const key = name.toLowerCase();
      if (!IDENTIFYING.has(key)) continue;
      const text = firstValue(value);
      if (text !== undefined) lower.set(key, text);
    }
    if (lower.size === 0) return;
    const via = lower.get('via');
    if (via !== undefined) {
      const entries = viaEntries(via);
      entries.forEach((entry, index) => {
        // The last entry was added by the hop nearest the client: the outermost.
        const rank = VIA_RANK + (entries.length - 1 - index) / 100;
        const entryName = INTERMEDIARIES.find((e) => e.fingerprints.some((f) => 'header' in f && f.header === 'via' && f.pattern?.test(entry)))?.name;
        this.note(entryName ?? `Via ${shortValue(entry)}`, `Via: ${shortValue(entry)}`, rank);
      });
    }
    for (const entry of INTERMEDIARIES) {
      for (const fingerprint of entry.fingerprints) {
        if (!('header' in fingerprint) || fingerprint.header === 'via') continue;
        const value = lower.get(fingerprint.header);
        if (value === undefined || (fingerprint.pattern && !fingerprint.pattern.test(value))) continue;
        const label = fingerprint.label ?? (fingerprint.pattern ? `${displayHeader(fingerprint.header)}: ${shortValue(value)}` : fingerprint.header);
        this.note(entry.name, label, fingerprint.header === 'server' ? SERVER_RANK : TIER_RANK[entry.tier]);
        break;
      }
    }
  }

  private addText(text: string, where: 'body' | 'grpcMessage'): void {
    for (const entry of INTERMEDIARIES) {
      for (const fingerprint of entry.fingerprints) {
        const pattern = where === 'body' && 'body' in fingerprint ? fingerprint.body : where === 'grpcMessage' && 'grpcMessage' in fingerprint ? fingerprint.grpcMessage : undefined;
        const match = pattern?.exec(text.trim());
        if (!match) continue;
        const label = where === 'grpcMessage' ? `grpc-message: ${shortValue(match[0])}` : (fingerprint as { label: string }).label;
        this.note(entry.name, label, TIER_RANK[entry.tier]);
        break;
      }
    }
  }
}

/** Hops from untrusted JSON (a restored history), bounded; malformed entries dropped. */
export function validHops(value: unknown): Hop[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const hops = value
    .filter((h): h is Hop => typeof h === 'object' && h !== null && typeof (h as Hop).name === 'string' && typeof (h as Hop).evidence === 'string')
    .slice(0, HOP_LIMITS.hops)
    .map((h) => ({ name: h.name.slice(0, 80), evidence: h.evidence.slice(0, 120) }));
  return hops;
}

export function isCloseShape(value: unknown): value is CloseShape {
  return typeof value === 'string' && (CLOSE_SHAPES as readonly string[]).includes(value);
}

/** "Server: Caddy" -> the hop's catalogue entry, when the name is one. */
export function hopEntry(hop: Hop): Intermediary | undefined {
  return INTERMEDIARIES.find((e) => e.name === hop.name);
}
