// Reads a `text/event-stream` body with eventsource-parser, enforcing the size cap before the parser
// buffers anything and decoding UTF-8 leniently (replacement characters counted, never fatal).

import { createParser } from 'eventsource-parser';
import type { EventSourceMessage } from 'eventsource-parser';

export interface SseCallbacks {
  onEvent(event: EventSourceMessage, bytes: number): void;
  onComment(comment: string): void;
  onRetry(ms: number): void;
  /** Non-fatal oddities (invalid UTF-8). */
  warning(message: string): void;
}

/** An event or line bigger than the configured cap; the stream ends as `protocol-error`. */
export class OversizeEventError extends Error {
  readonly code = 'SH_ERR_OVERSIZE_EVENT';
  constructor(limit: number) {
    super(`an SSE event exceeded maxMessageBytes (${limit} bytes); raise maxMessageBytes if the server really sends events this big`);
    this.name = 'OversizeEventError';
  }
}

const LF = 0x0a;
const CR = 0x0d;
const REPLACEMENT = '\uFFFD';

/**
 * Tracks bytes since the last blank line (event boundary) across chunks, so an oversize event is caught
 * before its bytes reach the parser's buffer.
 */
export class EventSizeGuard {
  private eventBytes = 0;
  private lineBytes = 0;
  private lastWasCr = false;
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  /**
   * Throws OversizeEventError as soon as the pending event passes the limit. Line breaks are found with
   * `Uint8Array.indexOf` (native code) and the bytes between them counted in one step: a per-byte loop
   * here was a quarter of a monitored SSE client's CPU.
   */
  check(chunk: Uint8Array): void {
    // Fast path: when the pending event plus the whole chunk fits the limit, no event ending in this chunk
    // can pass it, so only the state after the chunk matters. Right after the last LF LF (a blank line,
    // whatever came before the first LF) a new event starts: scan only what follows it.
    if (this.eventBytes + chunk.length <= this.limit) {
      const boundary = lastBlankLine(chunk);
      if (boundary >= 0) {
        this.eventBytes = 0;
        this.lineBytes = 0;
        this.lastWasCr = false;
        return this.scan(chunk, boundary);
      }
    }
    this.scan(chunk, 0);
  }

  private scan(chunk: Uint8Array, from: number): void {
    const n = chunk.length;
    // Next LF / CR at or after `i`; -1 = none left in this chunk; re-searched only once `i` passes it.
    let nextLf = -2;
    let nextCr = -2;
    let i = from;
    while (i < n) {
      if (this.lastWasCr) {
        this.lastWasCr = false;
        if (chunk[i] === LF) {
          i++;
          continue; // second half of CRLF
        }
      }
      if (nextLf !== -1 && nextLf < i) nextLf = chunk.indexOf(LF, i);
      if (nextCr !== -1 && nextCr < i) nextCr = chunk.indexOf(CR, i);
      const end = nextLf === -1 ? (nextCr === -1 ? n : nextCr) : nextCr === -1 ? nextLf : Math.min(nextLf, nextCr);
      const length = end - i;
      if (length > 0) {
        this.lineBytes += length;
        this.eventBytes += length;
        if (this.eventBytes > this.limit) throw new OversizeEventError(this.limit);
      }
      if (end === n) return;
      if (this.lineBytes === 0) this.eventBytes = 0; // blank line: event dispatched
      this.lineBytes = 0;
      this.lastWasCr = chunk[end] === CR;
      i = end + 1;
    }
  }
}

const BLANK_LINE = new Uint8Array([LF, LF]);

/** The offset just after the chunk's last LF LF, or -1 when it has none. */
function lastBlankLine(chunk: Uint8Array): number {
  const at = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).lastIndexOf(BLANK_LINE);
  return at < 0 ? -1 : at + 2;
}

/** Counts U+FFFD the decoder produced, minus ones that were literally in the input (EF BF BD). */
function countLiteralReplacement(chunk: Uint8Array): number {
  let count = 0;
  for (let i = 0; i + 2 < chunk.length; i++) {
    if (chunk[i] === 0xef && chunk[i + 1] === 0xbf && chunk[i + 2] === 0xbd) count++;
  }
  return count;
}

export interface SseReader {
  /** Feed one body chunk; throws OversizeEventError. */
  push(chunk: Uint8Array): void;
  /** Replacement characters seen so far (invalid UTF-8). */
  readonly invalidUtf8: number;
}

export function createSseReader(maxBytes: number, callbacks: SseCallbacks): SseReader {
  const guard = new EventSizeGuard(maxBytes);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let invalidUtf8 = 0;
  // True while every byte so far was ASCII: then an event's UTF-8 size is its length, and the per-event
  // Buffer.byteLength (a native call, a fifth of the reader's cost on small events) is skipped.
  let ascii = true;
  const parser = createParser({
    onEvent: (event) => callbacks.onEvent(event, ascii ? event.data.length : Buffer.byteLength(event.data)),
    onComment: (comment) => callbacks.onComment(comment),
    onRetry: (ms) => callbacks.onRetry(ms),
    onError: (error) => callbacks.warning(`SSE parse problem: ${error.message}`),
  });
  return {
    push(chunk) {
      guard.check(chunk);
      const text = decoder.decode(chunk, { stream: true });
      const replaced = text.includes(REPLACEMENT);
      // One UTF-16 unit per byte and no replacement: only ASCII does that (multi-byte characters, and a
      // chunk ending inside one, decode to fewer units). Once lost, the flag stays off for the stream.
      if (ascii && (replaced || text.length !== chunk.length)) ascii = false;
      if (replaced) {
        let produced = 0;
        for (const ch of text) if (ch === REPLACEMENT) produced++;
        const bad = produced - countLiteralReplacement(chunk);
        if (bad > 0) {
          invalidUtf8 += bad;
          callbacks.warning(`invalid UTF-8 on the stream: ${bad} byte sequence(s) replaced (${invalidUtf8} so far)`);
        }
      }
      parser.feed(text);
    },
    get invalidUtf8() {
      return invalidUtf8;
    },
  };
}
