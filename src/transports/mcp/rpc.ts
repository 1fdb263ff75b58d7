// JSON-RPC plumbing shared by the three MCP eras: message shapes, one-request/one-response POSTs whose
// answer may come as JSON or as an SSE stream, and the per-attempt context the era runners share.

import type { EndpointConfig } from '../../core/config.ts';
import type { ProbeResult, ResumeState, TransportSink } from '../../core/transport.ts';
import { discard, HTTP_TIMEOUTS, HttpAttempt, mediaType, ProtocolViolation, readBodyText, statusFailure, timeoutSignal } from '../http/index.ts';
import type { HttpResponse } from '../http/index.ts';
import { isHtmlPage, serverText } from '../serverText.ts';
import { createSseReader } from '../sseStream.ts';
import type { EndInfo } from '../../core/transport.ts';
import { errorMessage } from '../../core/util.ts';
import type { PostLog } from './postLog.ts';

export const CLIENT_INFO = { name: 'stream-health', version: '0.1.0' } as const;

export type RpcId = string | number;

export interface RpcMessage {
  readonly jsonrpc?: string;
  readonly id?: RpcId | null;
  readonly method?: string;
  readonly params?: Record<string, unknown>;
  readonly result?: Record<string, unknown>;
  readonly error?: { readonly code: number; readonly message: string };
}

/** Parses one SSE `data:` payload or JSON body; undefined when it is not a JSON-RPC object. */
export function parseRpc(text: string): RpcMessage | RpcMessage[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const isMessage = (v: unknown): v is RpcMessage => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (Array.isArray(value)) return value.every(isMessage) ? value : undefined;
  return isMessage(value) ? value : undefined;
}

export function rpcError(message: RpcMessage): string {
  return `${message.error?.message ?? 'error'} (JSON-RPC ${message.error?.code ?? '?'})`;
}

/** State of one MCP connect attempt, shared by the era runners and the Transport facade. */
export interface McpContext {
  readonly attempt: HttpAttempt;
  readonly config: EndpointConfig;
  readonly sink: TransportSink;
  readonly resume: ResumeState;
  /** Set by the era runner once it can answer liveness probes. */
  probe?: () => Promise<ProbeResult>;
  /** Every POST's outcome and quiet gap, for the keepalive-mismatch evidence. */
  readonly posts: PostLog;
  nextId(): number;
}

/** What came back from a POST that expects one JSON-RPC response. */
export type PostOutcome =
  | { readonly ok: true; readonly message: RpcMessage; readonly response: HttpResponse; readonly bytes: number }
  | { readonly ok: false; readonly status: number; readonly failure: EndInfo };

/**
 * POSTs `body` and waits for the JSON-RPC response with `id`, whether the server answers with JSON or
 * opens an SSE stream for it. Non-2xx answers come back as `ok: false` so callers can decide on fallbacks.
 */
export async function postRpc(
  ctx: McpContext,
  url: string,
  headers: Record<string, string>,
  message: RpcMessage & { id: RpcId },
  what: string,
  signal?: AbortSignal,
): Promise<PostOutcome> {
  const timeout = timeoutSignal(HTTP_TIMEOUTS.requestTimeoutMs, what);
  const done = ctx.posts.begin(what);
  try {
    const outcome = await exchange(ctx, url, headers, message, what, signal ? AbortSignal.any([timeout.signal, signal]) : timeout.signal);
    if (!ctx.attempt.ended) done({ status: outcome.ok ? outcome.response.statusCode : outcome.status });
    return outcome;
  } catch (error) {
    if (!ctx.attempt.ended) done({ error });
    throw error;
  } finally {
    timeout.clear();
  }
}

async function exchange(ctx: McpContext, url: string, headers: Record<string, string>, message: RpcMessage & { id: RpcId }, what: string, signal: AbortSignal): Promise<PostOutcome> {
  const response = await ctx.attempt.send(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify(message),
    signal,
  });
  if (response.statusCode < 200 || response.statusCode >= 300) {
    return { ok: false, status: response.statusCode, failure: await statusFailure(response, what, ctx.attempt, true) };
  }
  const type = mediaType(response);
  if (type === 'text/event-stream') return readSseResponse(ctx, response, message.id, what);
  const { text, truncated } = await readBodyText(response, ctx.config.maxMessageBytes);
  if (truncated) throw new ProtocolViolation(`${what}: the response exceeded maxMessageBytes (${ctx.config.maxMessageBytes})`);
  const parsed = parseRpc(text);
  const found = (Array.isArray(parsed) ? parsed : parsed ? [parsed] : []).find((m) => m.id === message.id);
  if (!found) {
    return { ok: false, status: response.statusCode, failure: notRpcFailure(response.statusCode, type, text, what) };
  }
  return { ok: true, message: found, response, bytes: Buffer.byteLength(text) };
}

function notRpcFailure(status: number, type: string, text: string, what: string): EndInfo {
  const excerpt = serverText(text, 120);
  return {
    cause: 'protocol-error',
    error: 'connect-failed',
    httpStatus: status,
    detail: `${what}: expected a JSON-RPC response, got ${type || 'no content type'}${excerpt ? `: ${excerpt}` : ''}`,
    retryable: true,
    ...(isHtmlPage(type, text) ? { htmlErrorPage: true } : {}),
  };
}

/** How long an answered SSE response may stay open before it is closed (and its connection with it). */
const RESPONSE_DRAIN_MS = 2_000;

async function readSseResponse(ctx: McpContext, response: HttpResponse, id: RpcId, what: string): Promise<PostOutcome> {
  let found: RpcMessage | undefined;
  let bytes = 0;
  const reader = createSseReader(ctx.config.maxMessageBytes, {
    onEvent(event, size) {
      if (found) return;
      const parsed = parseRpc(event.data);
      if (!parsed) {
        ctx.sink.warning(`${what}: invalid JSON in an SSE event (${size} bytes)`);
        return;
      }
      for (const m of Array.isArray(parsed) ? parsed : [parsed]) {
        if (m.id === id && (m.result !== undefined || m.error !== undefined)) {
          found = m;
          bytes = size;
        }
      }
    },
    onComment() {},
    onRetry() {},
    warning: (m) => ctx.sink.warning(m),
  });
  // Listeners rather than `for await ... break`: breaking out destroys the body, which throws the
  // connection away, so every ping paid a new TCP connection. Once the answer is in, the rest of the
  // body (normally just its end) drains and the connection goes back to the pool for the next probe.
  const body = response.body;
  body.on('error', () => undefined);
  try {
    await new Promise<void>((resolve, reject) => {
      body.on('data', (chunk: Buffer) => {
        if (found) return;
        try {
          reader.push(chunk);
        } catch (error) {
          reject(error);
          return;
        }
        if (found) resolve();
      });
      body.once('end', () => resolve());
      body.once('close', () => resolve());
      body.once('error', reject);
    });
  } catch (error) {
    discard(response);
    throw error;
  }
  if (found && !body.readableEnded && !body.destroyed) {
    // A server that keeps the response stream open gets it closed for it after a short grace.
    const timer = setTimeout(() => discard(response), RESPONSE_DRAIN_MS);
    timer.unref();
    body.once('close', () => clearTimeout(timer));
  } else if (!found) {
    discard(response);
  }
  if (!found) throw new ProtocolViolation(`${what}: the server's event stream ended without the response`);
  return { ok: true, message: found, response, bytes };
}

/** Sends a notification or a response (no answer expected beyond 2xx); failures are warnings. */
export async function postNoReply(ctx: McpContext, url: string, headers: Record<string, string>, message: RpcMessage, what: string): Promise<void> {
  const timeout = timeoutSignal(HTTP_TIMEOUTS.requestTimeoutMs, what);
  const done = ctx.posts.begin(what);
  try {
    const response = await ctx.attempt.send(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(message),
      signal: timeout.signal,
    });
    discard(response);
    if (!ctx.attempt.ended) done({ status: response.statusCode });
    if (response.statusCode < 200 || response.statusCode >= 300) ctx.sink.warning(`${what}: the server answered HTTP ${response.statusCode}`);
  } catch (error) {
    if (!ctx.attempt.ended) done({ error });
    if (!ctx.attempt.ended) ctx.sink.warning(`${what} failed: ${errorMessage(error)}`);
  } finally {
    timeout.clear();
  }
}

/**
 * Handles one JSON-RPC payload seen on a long-lived stream: server `ping` requests are heartbeats (and
 * get answered), responses go to `onResponse`, everything else is activity. Invalid JSON is a warning.
 */
export function onStreamPayload(
  ctx: McpContext,
  data: string,
  bytes: number,
  answerPing: (id: RpcId) => void,
  onResponse?: (message: RpcMessage) => boolean,
): RpcMessage[] {
  const parsed = parseRpc(data);
  if (!parsed) {
    ctx.sink.warning(`invalid JSON-RPC on the stream (${bytes} bytes); ignored`);
    ctx.sink.activity({ bytes });
    return [];
  }
  const messages = Array.isArray(parsed) ? parsed : [parsed];
  for (const message of messages) {
    if (message.method === 'ping' && message.id !== undefined && message.id !== null) {
      answerPing(message.id);
      ctx.sink.activity({ bytes, heartbeat: 'mcp-ping' });
    } else if (message.method === undefined && message.id !== undefined && onResponse?.(message)) {
      // a probe's answer; the probe reports the activity itself
    } else {
      ctx.sink.activity({ bytes });
    }
  }
  return messages;
}
