// What the scale and soak benchmarks share: the lab server that answers each stream kind, with the
// server-side heartbeat options for a cadence, and a forced GC before a memory reading.

import type { LabServerKind } from '../../src/lab/types.ts';
import type { RawKind } from './raw.ts';

export const LAB_SERVERS: Readonly<Record<RawKind, { server: LabServerKind; options: (ms: number) => Record<string, number> }>> = {
  sse: { server: 'sse', options: (ms) => ({ heartbeatMs: ms }) },
  // A client whose event loop stalls is not dead: the server tolerates up to the client's own idle window.
  websocket: { server: 'websocket', options: (ms) => ({ pingMs: ms, maxMissedPongs: 3 }) },
  grpc: { server: 'grpc', options: (ms) => ({ keepaliveMessageMs: ms }) },
  mcp: { server: 'mcp-v1', options: (ms) => ({ heartbeatMs: ms }) },
};

/** Twice: the first collection can leave garbage that only the second frees. Needs --expose-gc. */
export function forceGc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  collect?.();
}
