// The `sse` transport: a GET of any text/event-stream URL. Comments are server heartbeats, events are
// messages, `retry:` is a reconnect hint and `id:` is sent back as Last-Event-ID on the next attempt.

import type { ConnectContext, Transport } from '../core/transport.ts';
import { discard, HttpAttempt, mediaType, mergeHeaders, pumpEventStream, statusFailure } from './http/index.ts';
import { createSseReader } from './sseStream.ts';

export function connectSse(context: ConnectContext): Transport {
  const attempt = new HttpAttempt(context);
  if (attempt.client) void run(attempt);
  return {
    close(cause, detail) {
      attempt.end({ cause, detail, retryable: true });
    },
  };
}

async function run(attempt: HttpAttempt): Promise<void> {
  const { config, sink, resume } = attempt.context;
  try {
    const own: Record<string, string> = { accept: 'text/event-stream', 'cache-control': 'no-cache' };
    if (resume.lastEventId) own['last-event-id'] = resume.lastEventId;
    const response = await attempt.send(config.url, { method: 'GET', headers: mergeHeaders(config, own), stream: true });
    if (attempt.ended) {
      discard(response);
      return;
    }
    if (response.statusCode === 204) {
      // The EventSource spec's way for a server to say "stop reconnecting".
      discard(response);
      attempt.end({ cause: 'http-status', error: 'http-status', httpStatus: 204, detail: 'the server answered 204 No Content: it asks clients not to reconnect', retryable: false });
      return;
    }
    if (response.statusCode < 200 || response.statusCode >= 300 || mediaType(response) !== 'text/event-stream') {
      attempt.end(await statusFailure(response, 'the server', attempt));
      return;
    }
    const reader = createSseReader(config.maxMessageBytes, {
      onEvent(event, bytes) {
        if (event.id !== undefined) resume.lastEventId = event.id;
        sink.activity({ bytes });
      },
      onComment(comment) {
        sink.activity({ bytes: Buffer.byteLength(comment) + 1, heartbeat: 'sse-comment' });
      },
      onRetry(ms) {
        sink.retryHint(ms);
      },
      warning(message) {
        sink.warning(message);
      },
    });
    attempt.open(`SSE, ${attempt.http.httpVersion()}${resume.lastEventId ? `, resumed after id ${truncate(resume.lastEventId)}` : ''}`);
    await pumpEventStream(attempt, response, reader);
  } catch (error) {
    attempt.fail(error);
  }
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
