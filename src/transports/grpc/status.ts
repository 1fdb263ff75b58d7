// Maps how a gRPC call ended (status code + details from grpc-js) to the core's EndInfo: drop causes
// after the stream opened, error causes before it. Pure functions, so the rules are unit-testable.

import type { EndInfo } from '../../core/transport.ts';
import { brokenStreamShape, classifyDirect } from '../net/failures.ts';
import type { NetFailure } from '../net/failures.ts';
import { serverText } from '../serverText.ts';

/** grpc.status values by number (the gRPC spec's canonical codes). */
export const GRPC_CODE_NAMES: readonly string[] = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];

export const GRPC_OK = 0;
export const GRPC_UNIMPLEMENTED = 12;
const GRPC_PERMISSION_DENIED = 7;
const GRPC_RESOURCE_EXHAUSTED = 8;
const GRPC_UNAUTHENTICATED = 16;

/** Retrying cannot fix these: wrong credentials or a method the server does not have. */
const NOT_RETRYABLE = new Set([GRPC_UNAUTHENTICATED, GRPC_PERMISSION_DENIED, GRPC_UNIMPLEMENTED]);

/** grpc-js wording for a stream killed below gRPC (RST_STREAM, lost connection), not a server status. */
// "Call cancelled" here is always the peer's RST_STREAM(CANCEL): we cancel only after we have ended.
const TRANSPORT_FAILURE = /RST_STREAM|Connection dropped|Call cancelled|ECONNRESET|ETIMEDOUT|EPIPE|GOAWAY|socket hang up|Stream refused|Protocol error/i;
const MESSAGE_TOO_LARGE = /larger than max/i;
const HTTP_STATUS = /Received HTTP status code (\d{3})/;
/** grpc-js's own wording for a name that does not resolve (it carries no errno code then). */
const RESOLUTION_FAILED = /Name resolution failed|DNS resolution failed/i;

/** Longest server-chosen detail (gRPC status details, error messages) kept in a drop or error. */
export const DETAIL_MAX_CHARS = 200;


export interface GrpcEnd {
  readonly code: number;
  readonly details: string;
}

export function grpcCodeName(code: number): string {
  return GRPC_CODE_NAMES[code] ?? `code ${code}`;
}

function describe(end: GrpcEnd): string {
  const text = end.details.replace(/\s*Resolution note:\s*$/, '');
  const details = text ? `: ${serverText(text, DETAIL_MAX_CHARS)}` : '';
  return `gRPC status ${end.code} ${grpcCodeName(end.code)}${details}`;
}

/**
 * How a call that ended by itself maps to EndInfo. `opened` = response headers or a message arrived.
 * Decision (documented in docs/transports-grpc-ws.md): a stream killed beneath gRPC (RST_STREAM, a
 * dropped connection — what an L7 proxy's idle timeout looks like) is `reset`; a status the server
 * (or proxy) sent on purpose is `grpc-status`. grpcCode is always set.
 */
export function classifyGrpcEnd(end: GrpcEnd, opened: boolean, classify: (error: unknown) => NetFailure = classifyDirect): EndInfo {
  const grpcCode = end.code;
  const detail = describe(end);
  const retryable = !NOT_RETRYABLE.has(end.code);
  if (opened) {
    if (end.code === GRPC_OK) return { cause: 'eof', detail: `stream ended by the server (${detail})`, grpcCode, retryable, end: 'clean' };
    if (end.code === GRPC_RESOURCE_EXHAUSTED && MESSAGE_TOO_LARGE.test(end.details)) {
      return { cause: 'protocol-error', detail: `message over maxMessageBytes (${detail})`, grpcCode, retryable };
    }
    if (TRANSPORT_FAILURE.test(end.details)) return { cause: 'reset', detail, grpcCode, retryable, end: brokenStreamShape(new Error(end.details)) };
    return { cause: 'grpc-status', detail, grpcCode, retryable };
  }

  // Before the stream opened: report why it could not be opened.
  const http = HTTP_STATUS.exec(end.details);
  if (http) {
    const httpStatus = Number(http[1]);
    const httpRetryable = httpStatus !== 401 && httpStatus !== 403 && httpStatus !== 404;
    return { cause: 'http-status', error: 'http-status', detail, grpcCode, httpStatus, retryable: httpRetryable };
  }
  if (NOT_RETRYABLE.has(end.code)) return { cause: 'grpc-status', error: 'config', detail, grpcCode, retryable: false };
  // grpc-js reports network failures as text inside the status details; the network layer reads them.
  const failure = classify(Object.assign(new Error(end.details), { code: RESOLUTION_FAILED.test(end.details) ? 'ENOTFOUND' : undefined }));
  if (failure.error !== 'connect-failed') return { cause: 'reset', error: failure.error, detail: `${failure.detail} (${detail})`, grpcCode, retryable: retryable && failure.retryable };
  if (end.code === GRPC_OK) return { cause: 'eof', error: 'connect-failed', detail: `stream ended before any response (${detail})`, grpcCode, retryable };
  const cause = TRANSPORT_FAILURE.test(end.details) || end.code === 14 ? 'reset' : 'grpc-status';
  return { cause, error: 'connect-failed', detail, grpcCode, retryable };
}
