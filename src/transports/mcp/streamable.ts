// MCP Streamable HTTP, 2025-03-26 .. 2025-11-25: `initialize` (Mcp-Session-Id), `notifications/initialized`,
// then the GET SSE stream (resumed with Last-Event-ID); `ping` POSTs are the liveness probe; a 405 on GET
// means the server offers no stream and liveness rests on ping alone. DELETE ends the session on close.

import { discard, createHttpClient, mediaType, mergeHeaders, ProtocolViolation, pumpEventStream, send, statusFailure, timeoutSignal } from '../http/index.ts';
import { createSseReader } from '../sseStream.ts';
import { CLIENT_INFO, onStreamPayload, postNoReply, postRpc, rpcError } from './rpc.ts';
import type { McpContext, RpcId } from './rpc.ts';

export const STREAMABLE_VERSION = '2025-11-25';
/**
 * The spec's backward-compatibility rule: an initialize POST that fails with a 4xx (e.g. 404, 405) means
 * a 2024-11-05 HTTP+SSE server; auth and rate-limit answers are about the client, not the era.
 */
const isLegacySignal = (status: number) => status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429;

interface Session {
  readonly id?: string;
  readonly protocolVersion: string;
}

function sessionHeaders(ctx: McpContext, session: Session): Record<string, string> {
  const own: Record<string, string> = { 'mcp-protocol-version': session.protocolVersion };
  if (session.id) own['mcp-session-id'] = session.id;
  return mergeHeaders(ctx.config, own);
}

async function initialize(ctx: McpContext): Promise<Session | { fallback: string } | undefined> {
  const outcome = await postRpc(
    ctx,
    ctx.config.url,
    mergeHeaders(ctx.config, {}),
    { jsonrpc: '2.0', id: ctx.nextId(), method: 'initialize', params: { protocolVersion: STREAMABLE_VERSION, capabilities: {}, clientInfo: CLIENT_INFO } },
    'initialize',
  );
  if (!outcome.ok) {
    if (isLegacySignal(outcome.status)) return { fallback: `initialize answered HTTP ${outcome.status}` };
    return void ctx.attempt.end(outcome.failure);
  }
  if (outcome.message.error) throw new ProtocolViolation(`initialize failed: ${rpcError(outcome.message)}`);
  const version = outcome.message.result?.protocolVersion;
  if (typeof version !== 'string') throw new ProtocolViolation('initialize answered without a protocolVersion');
  const idHeader = outcome.response.headers['mcp-session-id'];
  const id = Array.isArray(idHeader) ? idHeader[0] : idHeader;
  const session: Session = { protocolVersion: version, ...(id ? { id } : {}) };
  await postNoReply(ctx, ctx.config.url, sessionHeaders(ctx, session), { jsonrpc: '2.0', method: 'notifications/initialized' }, 'notifications/initialized');
  return session;
}

/** Best-effort DELETE of the session on a fresh short-lived Agent (the attempt's own is being torn down). */
function deleteSession(ctx: McpContext, session: Session): void {
  if (!session.id) return;
  let client;
  try {
    client = createHttpClient(ctx.config);
  } catch {
    return;
  }
  const owned = client;
  const timeout = timeoutSignal(2000, 'DELETE');
  send(owned, ctx.config.url, { method: 'DELETE', headers: sessionHeaders(ctx, session), signal: timeout.signal })
    .then((response) => discard(response))
    .catch(() => undefined)
    .finally(() => {
      timeout.clear();
      owned.close();
    });
}

/** Runs the 2025 era; resolves `{ fallback }` when the server is a 2024-11-05 HTTP+SSE one. */
export async function runStreamable(ctx: McpContext): Promise<{ fallback: string } | undefined> {
  const { attempt, config, sink, resume } = ctx;
  let session: Session | undefined;
  let response;
  // Resume the previous session's stream first (Last-Event-ID); a 404/400 means it is gone.
  if (typeof resume.mcpSessionId === 'string' && typeof resume.mcpProtocolVersion === 'string') {
    const previous: Session = { id: resume.mcpSessionId, protocolVersion: resume.mcpProtocolVersion };
    response = await openGet(ctx, previous);
    if (response.statusCode === 404 || response.statusCode === 400) {
      discard(response);
      response = undefined;
      delete resume.mcpSessionId;
      delete resume.lastEventId;
    } else {
      session = previous;
    }
  }
  if (!session) {
    const result = await initialize(ctx);
    if (!result || attempt.ended) return undefined;
    if ('fallback' in result) return result;
    session = result;
    resume.mcpEra = '2025';
    resume.mcpProtocolVersion = session.protocolVersion;
    if (session.id) resume.mcpSessionId = session.id;
    else delete resume.mcpSessionId;
    delete resume.lastEventId;
    response = await openGet(ctx, session);
  }
  const live = session;
  let hasStream = true;
  attempt.whenEnded((info) => {
    if (info.cause === 'manual') {
      deleteSession(ctx, live);
      delete resume.mcpSessionId;
    }
  });
  ctx.probe = async () => {
    const started = performance.now();
    const outcome = await postRpc(ctx, config.url, sessionHeaders(ctx, live), { jsonrpc: '2.0', id: ctx.nextId(), method: 'ping' }, 'ping');
    if (!outcome.ok) throw new Error(outcome.failure.detail);
    if (outcome.message.error) throw new Error(`ping: ${rpcError(outcome.message)}`);
    const rttMs = performance.now() - started;
    // With no GET stream, answered pings are the only inbound sign of life the watchdog can see.
    if (!hasStream) sink.activity({ bytes: outcome.bytes, heartbeat: 'mcp-ping' });
    return { kind: 'mcp-ping', rttMs };
  };
  if (attempt.ended) return void discard(response!);
  const get = response!;
  const version = attempt.http.httpVersion();
  if (get.statusCode === 405) {
    discard(get);
    hasStream = false;
    attempt.open(`MCP ${live.protocolVersion}, ${version}, no GET stream (server answered 405): liveness by ping only`);
    // Nothing to read; the attempt stays open until close() or a failed probe makes the core end it.
    return undefined;
  }
  if (get.statusCode < 200 || get.statusCode >= 300 || mediaType(get) !== 'text/event-stream') {
    attempt.end(await statusFailure(get, 'the MCP GET stream', attempt));
    return undefined;
  }
  const answerPing = (id: RpcId) =>
    void postNoReply(ctx, config.url, sessionHeaders(ctx, live), { jsonrpc: '2.0', id, result: {} }, 'answer to the server ping');
  const reader = createSseReader(config.maxMessageBytes, {
    onEvent(event, bytes) {
      if (event.id !== undefined) resume.lastEventId = event.id;
      if (!event.data) return;
      onStreamPayload(ctx, event.data, bytes, answerPing);
    },
    onComment(comment) {
      sink.activity({ bytes: Buffer.byteLength(comment) + 1, heartbeat: 'sse-comment' });
    },
    onRetry: (ms) => sink.retryHint(ms),
    warning: (m) => sink.warning(m),
  });
  const resumed = resume.lastEventId ? `, resumed after event ${String(resume.lastEventId).slice(0, 40)}` : '';
  attempt.open(`MCP ${live.protocolVersion}, ${version}, GET stream${resumed}`);
  await pumpEventStream(attempt, get, reader);
  return undefined;
}

function openGet(ctx: McpContext, session: Session) {
  const own: Record<string, string> = { accept: 'text/event-stream', 'cache-control': 'no-cache', 'mcp-protocol-version': session.protocolVersion };
  if (session.id) own['mcp-session-id'] = session.id;
  if (ctx.resume.lastEventId) own['last-event-id'] = String(ctx.resume.lastEventId);
  return ctx.attempt.send(ctx.config.url, { method: 'GET', headers: mergeHeaders(ctx.config, own), stream: true });
}
