// The time limits every transport shares: how long connecting may take and how long a liveness probe
// may wait, both following the endpoint's own idle window and heartbeat within fixed bounds.

import type { EndpointConfig } from '../../core/config.ts';
import { idleWindowMs } from '../../core/config.ts';

/** A connect (TCP, proxy tunnel, TLS, the protocol's opening answer) never waits longer than this. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** ...nor, when the idle window is shorter, less than this: a slow handshake is not a dead peer. */
export const CONNECT_TIMEOUT_FLOOR_MS = 2_000;

/** Probe deadlines follow the heartbeat cadence so at most one probe is in flight, within these bounds. */
export const PROBE_DEADLINE_MIN_MS = 1_000;
export const PROBE_DEADLINE_MAX_MS = 10_000;

/**
 * A peer silent for a whole idle window is dead by the user's own definition, before the stream opened
 * as after; so a short window shortens the wait, never below `floorMs` and never above `capMs`.
 */
export function windowBoundedMs(config: Pick<EndpointConfig, 'idleTimeoutSeconds'>, capMs = CONNECT_TIMEOUT_MS, floorMs = CONNECT_TIMEOUT_FLOOR_MS): number {
  const windowMs = idleWindowMs(config);
  return windowMs > 0 ? Math.min(capMs, Math.max(floorMs, windowMs)) : capMs;
}

/** How long one client heartbeat (ping, Health/Check) may wait for its answer. */
export function probeDeadlineMs(config: Pick<EndpointConfig, 'heartbeatSeconds'>): number {
  return Math.min(PROBE_DEADLINE_MAX_MS, Math.max(PROBE_DEADLINE_MIN_MS, config.heartbeatSeconds * 1000));
}
