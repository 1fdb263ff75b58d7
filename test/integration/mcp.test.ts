// Issue 3's proofs for MCP in all three eras, each against a real SDK server: v2 SDK (2026-07-28,
// subscriptions/listen), v1 SDK Streamable HTTP (2025, GET stream + ping) and v1 SDK HTTP+SSE (2024-11-05),
// behind real nginx and HAProxy, driven by the real Monitor.

import { registerHttpProofs } from './support/httpProofs.ts';

registerHttpProofs({
  label: 'mcp, SDK v2 server (2026-07-28)',
  kind: 'mcp',
  labKind: 'mcp-v2',
  silent: { keepAliveMs: 0 },
  heartbeat: (ms) => ({ keepAliveMs: ms }),
  openDetail: /^MCP 2026-07-28, HTTP\/1\.1, subscriptions\/listen stream$/,
  probes: true,
  probeAnswersOnStream: false,
});

registerHttpProofs({
  label: 'mcp, SDK v1 Streamable HTTP server (2025)',
  kind: 'mcp',
  labKind: 'mcp-v1',
  silent: {},
  heartbeat: (ms) => ({ heartbeatMs: ms }),
  openDetail: /^MCP 2025-\d\d-\d\d, HTTP\/1\.1, GET stream/,
  probes: true,
  probeAnswersOnStream: false,
});

registerHttpProofs({
  label: 'mcp-sse, SDK v1 HTTP+SSE server (2024-11-05)',
  kind: 'mcp-sse',
  labKind: 'mcp-v1-sse',
  silent: {},
  heartbeat: (ms) => ({ heartbeatMs: ms }),
  openDetail: /^MCP 2024-11-05 HTTP\+SSE, HTTP\/1\.1, endpoint \/messages$/,
  probes: true,
  probeAnswersOnStream: true,
});
