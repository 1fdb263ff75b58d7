// Server-side keepalive helpers: the fix Stream Health recommends, for users' own Node servers.
// No dependency on the rest of the project (only `ws` types).

export { sseHeartbeat } from './sse.ts';
export type { SseHeartbeatOptions, SseResponseLike } from './sse.ts';
export { grpcKeepalive } from './grpc.ts';
export type { GrpcKeepaliveOptions, GrpcWritableCallLike } from './grpc.ts';
export { wsHeartbeat } from './websocket.ts';
export type { WsHeartbeatOptions } from './websocket.ts';
export { KeepaliveOptionError } from './errors.ts';
