// The WebSocket transport (ws), shipped as its own lazily loaded file (dist/transports/websocket.cjs).

export { connectWebSocket } from '../websocket.ts';
