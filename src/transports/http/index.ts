// The HTTP side of the sse and mcp transports: client setup, failure mapping, the attempt lifecycle.

export { createHttpClient, discard, header, HTTP_TIMEOUTS, mediaType, mergeHeaders, readBodyText, send, timeoutSignal } from './client.ts';
export type { HttpClient, HttpResponse, SendOptions } from './client.ts';
export { connectFailure, statusFailure, streamFailure } from './failures.ts';
export { handshakeLimitMs, HttpAttempt, ProtocolViolation, pumpEventStream } from './attempt.ts';
export { safeHost } from '../net/index.ts';
