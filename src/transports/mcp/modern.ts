// MCP 2026-07-28 (per-request `_meta`, no session, no GET stream, no ping): `server/discover` decides the
// era, a `subscriptions/listen` POST whose SSE response stays open is the stream, and `server/discover`
// again is the liveness probe on a separate request.

import type { EndInfo } from '../../core/transport.ts';
import { discard, mediaType, mergeHeaders, pumpEventStream, statusFailure } from '../http/index.ts';
import { createSseReader } from '../sseStream.ts';
import { CLIENT_INFO, onStreamPayload, postRpc, rpcError } from './rpc.ts';
import type { McpContext, RpcMessage } from './rpc.ts';

export const MODERN_VERSION = '2026-07-28';

const META = {
  'io.modelcontextprotocol/protocolVersion': MODERN_VERSION,
  'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
  'io.modelcontextprotocol/clientCapabilities': {},
};

function headersFor(ctx: McpContext, method: string): Record<string, string> {
  return mergeHeaders(ctx.config, { 'mcp-protocol-version': MODERN_VERSION, 'mcp-method': method });
}

/** `server/discover`; `legacy` when the answer is a definitive "not this era" (spec fallback rules). */
type Discovery =
  | { readonly era: 'modern'; readonly rttMs: number }
  | { readonly era: 'legacy'; readonly why: string }
  | { readonly era: 'failed'; readonly failure: EndInfo };

async function discover(ctx: McpContext): Promise<Discovery> {
  const id = ctx.nextId();
  const started = performance.now();
  const outcome = await postRpc(
    ctx,
    ctx.config.url,
    headersFor(ctx, 'server/discover'),
    { jsonrpc: '2.0', id, method: 'server/discover', params: { _meta: META } },
    'server/discover',
  );
  const rttMs = performance.now() - started;
  if (!outcome.ok) {
    // 401/403 and gateway failures are answers about the path, not the era: report them as they are.
    if (outcome.status === 401 || outcome.status === 403 || outcome.status >= 500) return { era: 'failed', failure: outcome.failure };
    return { era: 'legacy', why: `server/discover answered HTTP ${outcome.status}` };
  }
  if (outcome.message.error) return { era: 'legacy', why: `server/discover: ${rpcError(outcome.message)}` };
  const versions = outcome.message.result?.supportedVersions;
  if (Array.isArray(versions) && versions.includes(MODERN_VERSION)) return { era: 'modern', rttMs };
  return { era: 'legacy', why: `server/discover offered ${JSON.stringify(versions ?? null)}` };
}

/**
 * Runs the 2026-07-28 era if the server speaks it. Resolves `false` (nothing sent beyond the probe)
 * when the server is a 2025-era one, so the caller falls back.
 */
export async function runModern(ctx: McpContext): Promise<{ fallback: string } | undefined> {
  const { attempt, config, sink, resume } = ctx;
  const verdict = await discover(ctx);
  if (verdict.era === 'failed') return void attempt.end(verdict.failure);
  if (verdict.era === 'legacy') return { fallback: verdict.why };
  resume.mcpEra = MODERN_VERSION;

  ctx.probe = async () => {
    const result = await discover(ctx);
    if (result.era === 'failed') throw new Error(result.failure.detail);
    if (result.era !== 'modern') throw new Error(`server/discover no longer offers ${MODERN_VERSION}`);
    return { kind: 'mcp-discover', rttMs: result.rttMs };
  };

  const listenId = `listen:${ctx.nextId()}`;
  const response = await attempt.send(config.url, {
    method: 'POST',
    stream: true,
    headers: { ...headersFor(ctx, 'subscriptions/listen'), 'content-type': 'application/json', accept: 'text/event-stream, application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: listenId,
      method: 'subscriptions/listen',
      params: { _meta: META, notifications: { toolsListChanged: true, promptsListChanged: true, resourcesListChanged: true } },
    }),
  });
  if (attempt.ended) return void discard(response);
  if (response.statusCode < 200 || response.statusCode >= 300 || mediaType(response) !== 'text/event-stream') {
    attempt.end(await statusFailure(response, 'subscriptions/listen', attempt));
    return undefined;
  }
  const detail = `MCP ${MODERN_VERSION}, ${attempt.http.httpVersion()}, subscriptions/listen stream`;
  const reader = createSseReader(config.maxMessageBytes, {
    onEvent(event, bytes) {
      attempt.open(detail);
      onStreamPayload(ctx, event.data, bytes, () => {}, (message: RpcMessage) => {
        if (message.id !== listenId) return false;
        // The server answered the listen request itself: the subscription is over (or was refused).
        const why = message.error ? `the server refused the subscription: ${rpcError(message)}` : 'the server completed the subscription';
        attempt.end({ cause: 'eof', detail: why, retryable: true, ...(attempt.opened ? {} : { error: 'connect-failed' as const }) });
        return true;
      });
    },
    onComment(comment) {
      attempt.open(detail);
      sink.activity({ bytes: Buffer.byteLength(comment) + 1, heartbeat: 'sse-comment' });
    },
    onRetry: (ms) => sink.retryHint(ms),
    warning: (m) => sink.warning(m),
  });
  await pumpEventStream(attempt, response, reader);
  return undefined;
}
