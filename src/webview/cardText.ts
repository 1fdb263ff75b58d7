// The live text of an endpoint card (ages, "ago" texts, countdown, cadence, drop counts), computed
// without the DOM so node tests cover it; cards.ts puts it on the page.

import { formatAgo, formatDuration } from '../core/format.ts';
import { KIND_INFO } from '../core/kinds.ts';
import type { EndpointStatus } from '../core/model.ts';
import type { Lane } from './laneStore.ts';
import { describeDrop, formatCountdown, plural } from './format.ts';
import { countDropsSince, DAY_MS, HOUR_MS, medianInterval } from './stats.ts';

/** The live text of a card, computed without the DOM so it can be unit-tested. */
export interface CardText {
  readonly age: string;
  readonly lastActivity: string;
  readonly lastHeartbeat: string;
  readonly cadence: string;
  readonly drops: string;
  /** Empty when not reconnecting. */
  readonly reconnect: string;
  readonly lastDrop: string;
  /** What the open stream is (e.g. MCP era, HTTP version); empty when not live. */
  readonly detail: string;
  /** The separate-channel liveness probe; empty when none answered. */
  readonly liveness: string;
  /** Why paused/failed/blocked, or the last connect error; empty when none. */
  readonly note: string;
  /** The forward proxy carrying the stream; empty when direct. */
  readonly route: string;
  /** A warning when the server's certificate is not verified; empty otherwise. */
  readonly security: string;
}

export function cardText(status: EndpointStatus, lane: Lane | undefined, now: number): CardText {
  const live = status.state === 'open' || status.state === 'stale';
  const drops = lane?.drops ?? [];
  const serverMedian = medianInterval(lane?.heartbeatsIn ?? []);
  const clientMedian = medianInterval(lane?.heartbeatsOut ?? []);
  const cadenceParts = [
    `server ${serverMedian !== undefined ? `~${formatDuration(serverMedian)}` : 'none seen'}`,
    clientCadence(status, clientMedian),
  ];
  // The status and the folded events can each be a little ahead of the other: show the newer.
  const lastIn = newest(status.lastHeartbeatInAt, lane?.heartbeatsIn.at(-1));
  const lastOut = newest(status.lastHeartbeatOutAt, lane?.heartbeatsOut.at(-1));
  let reconnect = '';
  if (status.state === 'backoff') reconnect = `attempt ${status.attempt}, next ${formatCountdown(status.nextAttemptAt, now)}`;
  else if (status.state === 'connecting') reconnect = `attempt ${status.attempt}, connecting…`;
  const d = status.lastDrop;
  const lastDrop = d
    ? `${describeDrop(d)} after ${formatDuration(d.streamAgeMs)} (silent ${formatDuration(d.silenceMs)}), ${formatAgo(d.at, now)}`
    : 'none';
  let note = status.reason ?? '';
  if (!note && status.lastError) note = `Last error: ${status.lastError.message}`;
  return {
    age: live && status.openedAt !== undefined ? formatDuration(now - status.openedAt) : 'not connected',
    lastActivity: formatAgo(status.lastInboundAt, now),
    lastHeartbeat: `in ${formatAgo(lastIn, now)} · out ${formatAgo(lastOut, now)}`,
    cadence: cadenceParts.join(' · '),
    drops: `${plural(countDropsSince(drops, now, HOUR_MS), 'drop')} in 1 h · ${countDropsSince(drops, now, DAY_MS)} in 24 h`,
    reconnect,
    lastDrop,
    detail: live ? (status.openDetail ?? '') : '',
    liveness: status.lastProbeOkAt !== undefined
      ? `answered ${formatAgo(status.lastProbeOkAt, now)}${status.lastProbeRttMs !== undefined ? ` (${formatDuration(status.lastProbeRttMs)})` : ''}`
      : '',
    note,
    route: status.route ?? '',
    security: status.tlsUnverified ? 'certificate not verified (tls.rejectUnauthorized is false): anyone on the path can read and change this stream' : '',
  };
}

/** A kind with no channel back to the server (plain SSE) sends nothing for heartbeatSeconds: say so. */
function clientCadence(status: EndpointStatus, observedMs: number | undefined): string {
  const info = KIND_INFO[status.kind];
  if (info.clientHeartbeat === undefined) return `client none (${info.displayName})`;
  const configured = status.heartbeatSeconds > 0 ? `${status.heartbeatSeconds} s` : 'off';
  return `client ${configured}${observedMs !== undefined ? ` (~${formatDuration(observedMs)})` : ''}`;
}

function newest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.max(a, b);
}
