// Plain-language result of Measure Idle Timeout… (core runIdleProbe) and the heartbeat setting it
// recommends. Pure: unit-tested.

import { describeHops, formatDuration } from '../core/format.ts';
import type { IdleProbeResult } from '../core/idleProbe.ts';

/** A `heartbeatSeconds` value no slower than `recommendedMs`: tenths below 10 s, whole seconds above. */
export function heartbeatSecondsFor(recommendedMs: number): number {
  if (recommendedMs < 10_000) return Math.max(0.1, Math.floor(recommendedMs / 100) / 10);
  return Math.floor(recommendedMs / 1000);
}

/** One notification sentence for a probe result (the CLI prints the same facts as lines: cli/probeIdle.ts). */
export function probeNotice(name: string, r: IdleProbeResult): string {
  const beats = r.serverHeartbeats.count === 0
    ? 'The server sent no heartbeats.'
    : `The server sent ${r.serverHeartbeats.count} heartbeat(s)${r.serverHeartbeats.medianIntervalMs ? `, about every ${formatDuration(r.serverHeartbeats.medianIntervalMs)}` : ''}.`;
  if (r.aborted) return `${name}: measurement cancelled after ${formatDuration(r.streamAgeMs)}; the stream was still open. ${beats}`;
  if (r.survived) return `${name}: the stream survived ${formatDuration(r.streamAgeMs)} (longest silence ${formatDuration(r.silenceMs)}): no idle cutoff on this path below that. ${beats}`;
  const rec = r.recommendedHeartbeatMs !== undefined
    ? ` Recommended heartbeat: every ${formatDuration(r.recommendedHeartbeatMs)} or more often ("heartbeatSeconds": ${heartbeatSecondsFor(r.recommendedHeartbeatMs)}).`
    : '';
  const path = r.hops?.length ? ` Path, outermost first: ${describeHops(r.hops)}.` : '';
  return `${name}: the stream was cut after ${formatDuration(r.silenceMs)} of silence (cause ${r.cause ?? 'unknown'}${r.detail ? `: ${r.detail}` : ''}).${rec} ${beats}${path}`;
}
