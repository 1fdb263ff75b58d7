// The webview's copy of each endpoint's history, as timeline lanes: filled from a snapshot, then
// extended by the batched events (drops and errors through the core's own mapping, so they equal
// the history's records), trimmed to the longest timeline window. Pure (no DOM) so node tests cover it.

import type { DropCause, StreamEvent } from '../core/events.ts';
import { dropFromEvent, errorFromEvent } from '../core/history.ts';
import type { DropRecord, EndpointHistory, ErrorRecord, HistorySnapshot } from '../core/model.ts';
import { DAY_MS } from './stats.ts';

export interface LaneSession {
  readonly openedAt: number;
  endedAt?: number;
  cause?: DropCause;
  detail: string;
}

export interface Lane {
  /** Sorted by openedAt. */
  sessions: LaneSession[];
  /** Sorted by `at`. */
  drops: DropRecord[];
  errors: ErrorRecord[];
  /** Sorted wall-clock ms. */
  heartbeatsIn: number[];
  heartbeatsOut: number[];
}

/** Keep a little more than the widest window (24 h) so a window change never shows a hole. */
export const RETAIN_MS = DAY_MS + 60 * 60_000;
/** Hard cap per list so a pathological endpoint cannot grow the webview's memory without bound. */
export const MAX_ITEMS_PER_LIST = 20_000;

function emptyLane(): Lane {
  return { sessions: [], drops: [], errors: [], heartbeatsIn: [], heartbeatsOut: [] };
}

function laneFromHistory(h: EndpointHistory): Lane {
  const byTime = (a: number, b: number) => a - b;
  return {
    sessions: h.sessions.map((s) => ({ openedAt: s.openedAt, endedAt: s.endedAt, cause: s.cause, detail: s.detail })).sort((a, b) => a.openedAt - b.openedAt),
    drops: [...h.drops].sort((a, b) => a.at - b.at),
    errors: [...h.errors].sort((a, b) => a.at - b.at),
    heartbeatsIn: [...h.heartbeatTimes.in].sort(byTime),
    heartbeatsOut: [...h.heartbeatTimes.out].sort(byTime),
  };
}

/** Inserts keeping order; events nearly always arrive in order, so this is an append. */
function insertSorted<T>(list: T[], item: T, key: (x: T) => number): void {
  let i = list.length;
  const k = key(item);
  while (i > 0 && key(list[i - 1]!) > k) i--;
  list.splice(i, 0, item);
}

const id = (x: number) => x;

export class LaneStore {
  private lanes = new Map<string, Lane>();

  /** Replace everything with a snapshot's history. */
  load(snapshot: HistorySnapshot): void {
    this.lanes = new Map(Object.entries(snapshot.endpoints).map(([name, h]) => [name, laneFromHistory(h)]));
  }

  lane(name: string): Lane {
    let lane = this.lanes.get(name);
    if (!lane) {
      lane = emptyLane();
      this.lanes.set(name, lane);
    }
    return lane;
  }

  has(name: string): boolean {
    return this.lanes.has(name);
  }

  /** Folds one core event in; returns whether anything drawable changed. */
  apply(event: StreamEvent): boolean {
    const at = Date.parse(event.ts);
    if (!Number.isFinite(at)) return false;
    const lane = this.lane(event.endpoint);
    switch (event.event) {
      case 'open':
        insertSorted(lane.sessions, { openedAt: at, detail: event.detail }, (s) => s.openedAt);
        return true;
      case 'drop': {
        const open = findOpenSession(lane.sessions);
        if (open) {
          open.endedAt = at;
          open.cause = event.cause;
        } else {
          // The open happened before our snapshot window: reconstruct it from the stream age.
          insertSorted(lane.sessions, { openedAt: at - event.streamAgeMs, endedAt: at, cause: event.cause, detail: '' }, (s) => s.openedAt);
        }
        insertSorted(lane.drops, dropFromEvent(event), (d) => d.at);
        return true;
      }
      case 'heartbeat':
        insertSorted(event.direction === 'in' ? lane.heartbeatsIn : lane.heartbeatsOut, at, id);
        return true;
      case 'error':
        insertSorted(lane.errors, errorFromEvent(event), (e) => e.at);
        return true;
      default:
        return false;
    }
  }

  /** Forget what no window can show any more, and cap every list. */
  trim(now: number): void {
    const from = now - RETAIN_MS;
    for (const lane of this.lanes.values()) {
      lane.sessions = keepRecent(lane.sessions.filter((s) => (s.endedAt ?? now) >= from));
      lane.drops = keepRecent(lane.drops.filter((d) => d.at >= from));
      lane.errors = keepRecent(lane.errors.filter((e) => e.at >= from));
      lane.heartbeatsIn = keepRecent(dropBefore(lane.heartbeatsIn, from));
      lane.heartbeatsOut = keepRecent(dropBefore(lane.heartbeatsOut, from));
    }
  }
}

function findOpenSession(sessions: LaneSession[]): LaneSession | undefined {
  for (let i = sessions.length - 1; i >= 0; i--) {
    const s = sessions[i]!;
    if (s.endedAt === undefined) return s;
    // Only the newest sessions can still be open; stop at the first closed one after an open search.
    if (i < sessions.length - 3) break;
  }
  return undefined;
}

function dropBefore(sorted: number[], from: number): number[] {
  let i = 0;
  while (i < sorted.length && sorted[i]! < from) i++;
  return i === 0 ? sorted : sorted.slice(i);
}

function keepRecent<T>(list: T[]): T[] {
  return list.length > MAX_ITEMS_PER_LIST ? list.slice(list.length - MAX_ITEMS_PER_LIST) : list;
}
