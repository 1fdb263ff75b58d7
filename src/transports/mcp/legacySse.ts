// MCP 2024-11-05 HTTP+SSE: a GET stream whose first event (`endpoint`) names the URL to POST to; every
// response, including the answer to our `ping` probe, comes back on that stream.

import { discard, HTTP_TIMEOUTS, mediaType, mergeHeaders, ProtocolViolation, pumpEventStream, statusFailure } from '../http/index.ts';
import { createSseReader } from '../sseStream.ts';
import { CLIENT_INFO, onStreamPayload, postNoReply, rpcError } from './rpc.ts';
import type { McpContext, RpcId, RpcMessage } from './rpc.ts';

export const LEGACY_SSE_VERSION = '2024-11-05';

interface Pending {
  readonly resolve: (message: RpcMessage) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** `trail` lists what the newer eras' probes saw when this runs as the last fallback of `mcp`. */
export async function runLegacySse(ctx: McpContext, trail: readonly string[] = []): Promise<void> {
  const { attempt, config, sink, resume } = ctx;
  const response = await attempt.send(config.url, {
    method: 'GET',
    headers: mergeHeaders(config, { accept: 'text/event-stream', 'cache-control': 'no-cache' }),
    stream: true,
  });
  if (attempt.ended) return void discard(response);
  if (response.statusCode < 200 || response.statusCode >= 300 || mediaType(response) !== 'text/event-stream') {
    const failure = await statusFailure(response, trail.length ? 'the MCP HTTP+SSE fallback GET' : 'the MCP HTTP+SSE stream', attempt);
    attempt.end(trail.length ? { ...failure, detail: `no MCP era matched (${trail.join('; ')}); ${failure.detail}` } : failure);
    return;
  }

  const pending = new Map<RpcId, Pending>();
  attempt.whenEnded(() => {
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('the stream ended before the answer arrived'));
    }
    pending.clear();
  });
  let postUrl: string | undefined;
  const headers = () => mergeHeaders(config, {});

  /** POSTs a request to the endpoint URL; the answer arrives on the stream. */
  const request = (method: string, params?: Record<string, unknown>): Promise<RpcMessage> => {
    const id = ctx.nextId();
    const answer = new Promise<RpcMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${method}: no answer on the stream within ${HTTP_TIMEOUTS.requestTimeoutMs / 1000} s`));
      }, HTTP_TIMEOUTS.requestTimeoutMs);
      timer.unref();
      pending.set(id, { resolve, reject, timer });
    });
    void postNoReply(ctx, postUrl!, headers(), { jsonrpc: '2.0', id, method, ...(params ? { params } : {}) }, method);
    return answer;
  };
  const settle = (message: RpcMessage): boolean => {
    const entry = message.id === undefined || message.id === null ? undefined : pending.get(message.id);
    if (!entry) return false;
    pending.delete(message.id!);
    clearTimeout(entry.timer);
    entry.resolve(message);
    return true;
  };
  const answerPing = (id: RpcId) => void postNoReply(ctx, postUrl!, headers(), { jsonrpc: '2.0', id, result: {} }, 'answer to the server ping');

  let endpointSeen!: () => void;
  const endpointReady = new Promise<void>((resolve) => (endpointSeen = resolve));
  let firstEvent = true;
  const reader = createSseReader(config.maxMessageBytes, {
    onEvent(event, bytes) {
      if (firstEvent) {
        firstEvent = false;
        if (event.event !== 'endpoint') {
          throw new ProtocolViolation(`not an MCP HTTP+SSE stream: the first event was "${event.event ?? 'message'}", not "endpoint"`);
        }
        try {
          postUrl = new URL(event.data.trim(), config.url).href;
        } catch {
          throw new ProtocolViolation('the endpoint event did not carry a usable URL');
        }
        endpointSeen();
        return;
      }
      onStreamPayload(ctx, event.data, bytes, answerPing, (message) => {
        if (!settle(message)) return false;
        // Answers to our requests arrive on the stream: inbound activity like any other.
        sink.activity({ bytes, ...(message.result && Object.keys(message.result).length === 0 ? { heartbeat: 'mcp-ping', probeReply: true } : {}) });
        return true;
      });
    },
    onComment(comment) {
      sink.activity({ bytes: Buffer.byteLength(comment) + 1, heartbeat: 'sse-comment' });
    },
    onRetry: (ms) => sink.retryHint(ms),
    warning: (m) => sink.warning(m),
  });
  const pumping = pumpEventStream(attempt, response, reader);

  const handshake = (async () => {
    await endpointReady;
    const init = await request('initialize', { protocolVersion: LEGACY_SSE_VERSION, capabilities: {}, clientInfo: CLIENT_INFO });
    if (init.error) throw new ProtocolViolation(`initialize failed: ${rpcError(init)}`);
    resume.mcpEra = LEGACY_SSE_VERSION;
    ctx.probe = async () => {
      const started = performance.now();
      const answer = await request('ping');
      if (answer.error) throw new Error(`ping: ${rpcError(answer)}`);
      return { kind: 'mcp-ping', rttMs: performance.now() - started };
    };
    const version = typeof init.result?.protocolVersion === 'string' ? init.result.protocolVersion : LEGACY_SSE_VERSION;
    // Open now: the initialize answer was the stream's last inbound byte, and silence is measured from
    // here. The initialized notification's own round trip must not delay that.
    attempt.open(`MCP ${version} HTTP+SSE, ${attempt.http.httpVersion()}, endpoint ${new URL(postUrl!).pathname}`);
    void postNoReply(ctx, postUrl!, headers(), { jsonrpc: '2.0', method: 'notifications/initialized' }, 'notifications/initialized');
  })();
  handshake.catch((error: unknown) => attempt.fail(error));
  await pumping;
}
