// Per-endpoint history in bounded ring buffers (sessions, drops, errors, heartbeat cadence, connects),
// its schema-versioned snapshot, a defensive restore, JSON/CSV export, and the mapping between drop
// and error records and their events (the dashboard folds events with it).

import type { DropCause, DropEvent, ErrorCause, ErrorEvent, HeartbeatDirection, HeartbeatKind } from './events.ts';
import { DROP_CAUSES, ERROR_CAUSES } from './events.ts';
import { HISTORY_SCHEMA_VERSION } from './model.ts';
import type { DropRecord, EndpointHistory, ErrorRecord, HeartbeatStats, HistorySnapshot, SessionRecord } from './model.ts';
import { NumberRing, RingBuffer } from './ringBuffer.ts';
import { isCloseShape, validHops } from './hops.ts';
import { intervals, median } from './stats.ts';
import { isKeepaliveFailure, POST_FAILURES, POST_PURPOSES } from './keepaliveMismatch.ts';
import type { PostRecord } from './keepaliveMismatch.ts';

export const HISTORY_LIMITS = {
  sessions: 200,
  drops: 500,
  errors: 200,
  heartbeatTimesPerDirection: 1000,
  connects: 500,
  /** Heartbeat intervals / round-trip times the medians are taken over. */
  statsSample: 100,
  /** POST outcomes (MCP pings and requests) with their quiet gaps. */
  posts: 300,
} as const;


interface MutableSession {
  openedAt: number;
  endedAt?: number;
  ageMs?: number;
  cause?: DropCause;
  detail: string;
}

interface DirectionState {
  count: number;
  lastKind?: HeartbeatKind;
  times: NumberRing;
  rtts: NumberRing;
  /** Median rtt carried over from a restored snapshot until new round trips are measured. */
  restoredMedianRttMs?: number;
}

function newDirection(): DirectionState {
  return { count: 0, times: new NumberRing(HISTORY_LIMITS.heartbeatTimesPerDirection), rtts: new NumberRing(HISTORY_LIMITS.statsSample) };
}

export class EndpointHistoryStore {
  private sessions = new RingBuffer<MutableSession>(HISTORY_LIMITS.sessions);
  private drops = new RingBuffer<DropRecord>(HISTORY_LIMITS.drops);
  private errors = new RingBuffer<ErrorRecord>(HISTORY_LIMITS.errors);
  private connects = new NumberRing(HISTORY_LIMITS.connects);
  private posts = new RingBuffer<PostRecord>(HISTORY_LIMITS.posts);
  /** Keep-alive failures among `posts`: while there are none, a POST cannot change a finding. */
  private postFailures = 0;
  private heartbeat: Record<HeartbeatDirection, DirectionState> = { in: newDirection(), out: newDirection() };
  private maxSilenceMs = 0;
  private warnings = 0;

  recordConnect(at: number): void {
    this.connects.push(at);
  }

  openSession(at: number, detail: string): void {
    this.sessions.push({ openedAt: at, detail });
  }

  /** Closes the newest session if it is still open. */
  closeSession(at: number, ageMs: number, cause: DropCause, detail: string): void {
    const last = this.sessions.last();
    if (!last || last.endedAt !== undefined) return;
    last.endedAt = at;
    last.ageMs = ageMs;
    last.cause = cause;
    if (detail) last.detail = last.detail ? `${last.detail}; ${detail}` : detail;
  }

  recordDrop(drop: DropRecord): void {
    this.drops.push(drop);
    this.noteSilence(drop.silenceMs);
  }

  recordError(error: ErrorRecord): void {
    this.errors.push(error);
  }

  recordHeartbeat(direction: HeartbeatDirection, at: number, kind: HeartbeatKind, rttMs?: number): void {
    const d = this.heartbeat[direction];
    d.count += 1;
    d.lastKind = kind;
    d.times.push(at);
    if (rttMs !== undefined && Number.isFinite(rttMs)) d.rtts.push(rttMs);
  }

  /** An inbound gap (ms) seen while a stream was open. */
  noteSilence(ms: number): void {
    if (Number.isFinite(ms) && ms > this.maxSilenceMs) this.maxSilenceMs = ms;
  }

  /** Records a POST outcome; true when the ring holds a keep-alive failure, so diagnosis may change. */
  recordPost(post: PostRecord): boolean {
    const evicted = this.posts.length === HISTORY_LIMITS.posts ? this.posts.first() : undefined;
    if (evicted && isKeepaliveFailure(evicted)) this.postFailures -= 1;
    this.posts.push(post);
    if (isKeepaliveFailure(post)) this.postFailures += 1;
    return this.postFailures > 0;
  }

  recordWarning(): void {
    this.warnings += 1;
  }

  /** Record counts, so a caller can tell cheaply whether there is anything to diagnose. */
  counts(): { readonly sessions: number; readonly drops: number; readonly errors: number } {
    return { sessions: this.sessions.length, drops: this.drops.length, errors: this.errors.length };
  }

  lastDrop(): DropRecord | undefined {
    return this.drops.last();
  }

  toJSON(): EndpointHistory {
    return {
      sessions: this.sessions.toArray().map((s) => ({ ...s })),
      drops: this.drops.toArray(),
      errors: this.errors.toArray(),
      heartbeatTimes: { in: this.heartbeat.in.times.toArray(), out: this.heartbeat.out.times.toArray() },
      heartbeats: { in: this.stats('in'), out: this.stats('out') },
      connects: this.connects.toArray(),
      maxSilenceMs: this.maxSilenceMs,
      warnings: this.warnings,
      posts: this.posts.toArray(),
    };
  }

  private stats(direction: HeartbeatDirection): HeartbeatStats {
    const d = this.heartbeat[direction];
    const times = d.times.tail(HISTORY_LIMITS.statsSample + 1);
    const medianIntervalMs = median(intervals(times));
    const medianRttMs = d.rtts.length > 0 ? median(d.rtts.toArray()) : d.restoredMedianRttMs;
    return {
      direction,
      count: d.count,
      ...(d.times.last() !== undefined ? { lastAt: d.times.last() } : {}),
      ...(medianIntervalMs !== undefined ? { medianIntervalMs } : {}),
      ...(d.lastKind !== undefined ? { lastKind: d.lastKind } : {}),
      ...(medianRttMs !== undefined ? { medianRttMs } : {}),
    };
  }

  /** Rebuilds a store from untrusted JSON; malformed entries are skipped and reported, never thrown. */
  static fromJSON(raw: unknown, where: string, problems: string[]): EndpointHistoryStore | undefined {
    if (!isObject(raw)) {
      problems.push(`${where}: not an object; ignored`);
      return undefined;
    }
    const store = new EndpointHistoryStore();
    const list = <T>(key: string, valid: (v: unknown) => v is T, push: (v: T) => void): void => {
      const value = raw[key];
      if (value === undefined) return;
      if (!Array.isArray(value)) {
        problems.push(`${where}.${key}: not an array; ignored`);
        return;
      }
      let bad = 0;
      for (const item of value) {
        if (valid(item)) push(item);
        else bad += 1;
      }
      if (bad > 0) problems.push(`${where}.${key}: ${bad} malformed entr${bad === 1 ? 'y' : 'ies'} ignored`);
    };
    list('sessions', isSessionRecord, (s) => store.sessions.push({ ...s }));
    list('drops', isDropRecord, (d) => store.drops.push(d));
    list('errors', isErrorRecord, (e) => store.errors.push(e));
    list('connects', isFiniteNumber, (t) => store.connects.push(t));
    list('posts', isPostRecord, (p) => void store.recordPost(p));
    if (isObject(raw.heartbeatTimes)) {
      for (const direction of ['in', 'out'] as const) {
        const times = raw.heartbeatTimes[direction];
        if (Array.isArray(times)) for (const t of times) if (isFiniteNumber(t)) store.heartbeat[direction].times.push(t);
      }
    }
    if (isObject(raw.heartbeats)) {
      for (const direction of ['in', 'out'] as const) {
        const stats = raw.heartbeats[direction];
        if (!isObject(stats)) continue;
        const d = store.heartbeat[direction];
        if (isFiniteNumber(stats.count) && stats.count >= 0) d.count = Math.max(Math.floor(stats.count), d.times.length);
        if (typeof stats.lastKind === 'string') d.lastKind = stats.lastKind.slice(0, 40);
        if (isFiniteNumber(stats.medianRttMs)) d.restoredMedianRttMs = stats.medianRttMs;
      }
    }
    if (isFiniteNumber(raw.maxSilenceMs) && raw.maxSilenceMs >= 0) store.maxSilenceMs = raw.maxSilenceMs;
    if (isFiniteNumber(raw.warnings) && raw.warnings >= 0) store.warnings = Math.floor(raw.warnings);
    return store;
  }
}

/** Every endpoint's history, including endpoints not configured right now (they may come back). */
export class HistoryBook {
  private stores = new Map<string, EndpointHistoryStore>();

  get(name: string): EndpointHistoryStore {
    let store = this.stores.get(name);
    if (!store) {
      store = new EndpointHistoryStore();
      this.stores.set(name, store);
    }
    return store;
  }

  snapshot(savedAtWallMs: number): HistorySnapshot {
    const endpoints: Record<string, EndpointHistory> = {};
    for (const [name, store] of this.stores) endpoints[name] = store.toJSON();
    return { schemaVersion: HISTORY_SCHEMA_VERSION, savedAt: new Date(savedAtWallMs).toISOString(), endpoints };
  }

  /**
   * Replaces the history of every endpoint the snapshot holds. Returns the problems found (a wrong
   * schema version or shape ignores the snapshot; a bad entry is skipped); never throws.
   */
  restore(snapshot: unknown): string[] {
    const problems: string[] = [];
    if (!isObject(snapshot)) return ['history: not an object; ignored'];
    if (snapshot.schemaVersion !== HISTORY_SCHEMA_VERSION) {
      return [`history: schemaVersion ${JSON.stringify(snapshot.schemaVersion)} is not ${HISTORY_SCHEMA_VERSION}; ignored`];
    }
    if (!isObject(snapshot.endpoints)) return ['history.endpoints: not an object; ignored'];
    for (const [name, raw] of Object.entries(snapshot.endpoints)) {
      const store = EndpointHistoryStore.fromJSON(raw, `history.endpoints[${JSON.stringify(name)}]`, problems);
      if (store) this.stores.set(name, store);
    }
    return problems;
  }

  clear(name?: string): void {
    if (name === undefined) this.stores.clear();
    else this.stores.delete(name);
  }
}

// ---- records as events and back ------------------------------------------------------------
// A drop or error event is its record with `ts` for `at`: the session emits what it records, and
// whoever folds the events (the dashboard) gets the very record the history holds.

/** The `drop` event body for a recorded drop: every field of the record, `at` left to the event's `ts`. */
export function dropEventBody(drop: DropRecord): Omit<DropEvent, 'ts' | 'endpoint'> {
  const { at: _at, ...fields } = drop;
  return { event: 'drop', ...fields };
}

/** The drop record a `drop` event carries. */
export function dropFromEvent(event: DropEvent): DropRecord {
  const { ts, endpoint: _endpoint, event: _event, ...fields } = event;
  return { at: Date.parse(ts), ...fields };
}

/** The `error` event body for a recorded connect failure. */
export function errorEventBody(error: ErrorRecord): Omit<ErrorEvent, 'ts' | 'endpoint'> {
  const { at: _at, ...fields } = error;
  return { event: 'error', ...fields };
}

/** The error record an `error` event carries. */
export function errorFromEvent(event: ErrorEvent): ErrorRecord {
  const { ts, endpoint: _endpoint, event: _event, ...fields } = event;
  return { at: Date.parse(ts), ...fields };
}

export function toJson(snapshot: HistorySnapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}

export const CSV_COLUMNS = [
  'endpoint', 'record', 'at', 'ended_at', 'cause', 'stream_age_ms', 'silence_ms',
  'http_status', 'grpc_code', 'ws_close_code', 'peer_alive', 'detail',
] as const;

/** One row per session and per drop, oldest first within each endpoint; RFC 4180 quoting. */
export function toCsv(snapshot: HistorySnapshot): string {
  const rows: string[] = [CSV_COLUMNS.join(',')];
  const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());
  for (const [name, history] of Object.entries(snapshot.endpoints)) {
    for (const s of history.sessions) {
      rows.push(csvRow([name, 'session', iso(s.openedAt), iso(s.endedAt), s.cause, s.ageMs, undefined, undefined, undefined, undefined, undefined, s.detail]));
    }
    for (const d of history.drops) {
      rows.push(csvRow([name, 'drop', iso(d.at), '', d.cause, d.streamAgeMs, d.silenceMs, d.httpStatus, d.grpcCode, d.wsCloseCode, d.peerAlive, d.detail]));
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}

function csvRow(values: readonly (string | number | boolean | undefined)[]): string {
  return values.map(csvField).join(',');
}

export function csvField(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  // A leading = + - @ makes spreadsheets evaluate the cell; prefix a quote so it stays text.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
function optionalNumber(value: unknown): boolean {
  return value === undefined || isFiniteNumber(value);
}
function isSessionRecord(v: unknown): v is SessionRecord {
  return isObject(v) && isFiniteNumber(v.openedAt) && optionalNumber(v.endedAt) && optionalNumber(v.ageMs)
    && (v.cause === undefined || (DROP_CAUSES as readonly unknown[]).includes(v.cause)) && typeof v.detail === 'string';
}
function isDropRecord(v: unknown): v is DropRecord {
  return isObject(v) && isFiniteNumber(v.at) && (DROP_CAUSES as readonly unknown[]).includes(v.cause)
    && isFiniteNumber(v.streamAgeMs) && isFiniteNumber(v.silenceMs) && typeof v.detail === 'string'
    && optionalNumber(v.httpStatus) && optionalNumber(v.grpcCode) && optionalNumber(v.wsCloseCode)
    && (v.peerAlive === undefined || typeof v.peerAlive === 'boolean')
    && (v.htmlErrorPage === undefined || typeof v.htmlErrorPage === 'boolean')
    && (v.end === undefined || isCloseShape(v.end)) && optionalHops(v);
}
function isErrorRecord(v: unknown): v is ErrorRecord {
  return isObject(v) && isFiniteNumber(v.at) && (ERROR_CAUSES as readonly unknown[]).includes(v.cause)
    && typeof v.message === 'string' && optionalNumber(v.httpStatus)
    && (v.htmlErrorPage === undefined || typeof v.htmlErrorPage === 'boolean') && optionalHops(v);
}
function isPostRecord(v: unknown): v is PostRecord {
  return isObject(v) && isFiniteNumber(v.at) && (POST_PURPOSES as readonly unknown[]).includes(v.what)
    && optionalNumber(v.gapMs) && optionalNumber(v.status)
    && (v.failure === undefined || (POST_FAILURES as readonly unknown[]).includes(v.failure))
    && (v.status !== undefined) !== (v.failure !== undefined) && optionalHops(v);
}
/** Hops must be a list of { name, evidence } strings; a restored list is bounded again in place. */
function optionalHops(v: Record<string, unknown>): boolean {
  if (v.hops === undefined) return true;
  const hops = validHops(v.hops);
  if (!hops || hops.length !== (v.hops as unknown[]).length) return false;
  v.hops = hops;
  return true;
}
