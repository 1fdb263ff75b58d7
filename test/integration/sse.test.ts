// Issue 3's proofs for the `sse` kind: a plain text/event-stream lab server behind real nginx and
// HAProxy, driven by the real Monitor (proofs in support/httpProofs.ts; bad inputs in http-bad-input).

import { registerHttpProofs } from './support/httpProofs.ts';

registerHttpProofs({
  label: 'sse',
  kind: 'sse',
  labKind: 'sse',
  silent: {},
  heartbeat: (ms) => ({ heartbeatMs: ms }),
  openDetail: /^SSE, HTTP\/1\.1/,
  probes: false,
  probeAnswersOnStream: false,
});
