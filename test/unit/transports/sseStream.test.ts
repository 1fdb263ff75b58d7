// Unit tests for the capped, lenient SSE reader (src/transports/sseStream.ts): size cap before parsing,
// UTF-8 replacement counting, comments / retry / id surfaced from eventsource-parser.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSseReader, EventSizeGuard, OversizeEventError } from '../../../src/transports/sseStream.ts';
import type { SseCallbacks } from '../../../src/transports/sseStream.ts';

function recorder() {
  const seen = { events: [] as Array<{ id?: string; event?: string; data: string; bytes: number }>, comments: [] as string[], retries: [] as number[], warnings: [] as string[] };
  const callbacks: SseCallbacks = {
    onEvent: (e, bytes) => seen.events.push({ ...(e.id !== undefined ? { id: e.id } : {}), ...(e.event !== undefined ? { event: e.event } : {}), data: e.data, bytes }),
    onComment: (c) => seen.comments.push(c),
    onRetry: (ms) => seen.retries.push(ms),
    warning: (m) => seen.warnings.push(m),
  };
  return { seen, callbacks };
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('EventSizeGuard', () => {
  test('throws once the bytes since the last blank line pass the limit, across chunks', () => {
    const guard = new EventSizeGuard(10);
    guard.check(bytes('data: 12'));
    assert.throws(() => guard.check(bytes('345')), OversizeEventError);
  });

  test('a blank line (LF, CRLF or CR) starts a new event, so many small events never trip it', () => {
    const guard = new EventSizeGuard(16);
    for (let i = 0; i < 100; i++) guard.check(bytes(i % 3 === 0 ? 'data: abc\n\n' : i % 3 === 1 ? 'data: abc\r\n\r\n' : 'data: abc\r\r'));
  });

  test('line breaks inside one event do not reset the count', () => {
    const guard = new EventSizeGuard(20);
    guard.check(bytes('data: 0123456789\n'));
    assert.throws(() => guard.check(bytes('data: 0123456789\n')), /maxMessageBytes \(20 bytes\)/);
  });

  test('a CRLF split across chunks is one line break, not a blank line', () => {
    const guard = new EventSizeGuard(12);
    guard.check(bytes('data: 12345\r'));
    guard.check(bytes('\n'));
    assert.throws(() => guard.check(bytes('data: x')), OversizeEventError);
  });

  test('a chunk that fits skips to its last blank line, and the event after it still counts across chunks', () => {
    const guard = new EventSizeGuard(30);
    guard.check(bytes('data: 12345')); // 11 pending
    guard.check(bytes('x\n\ndata: 0123')); // 11 + 13 fits: the fast path; a new event of 10 after the blank line
    guard.check(bytes('4567890123456789')); // 26
    assert.throws(() => guard.check(bytes('56789')), OversizeEventError); // 31
  });

  test('agrees with a byte-by-byte reference on random streams, chunkings and limits', () => {
    // The reference is the straightforward per-byte walk the indexOf version replaced.
    const reference = (limit: number) => {
      let eventBytes = 0;
      let lineBytes = 0;
      let lastWasCr = false;
      return (chunk: Uint8Array) => {
        for (const byte of chunk) {
          if (byte === 0x0a && lastWasCr) {
            lastWasCr = false;
            continue;
          }
          lastWasCr = byte === 0x0d;
          if (byte === 0x0a || byte === 0x0d) {
            if (lineBytes === 0) eventBytes = 0;
            lineBytes = 0;
            continue;
          }
          lineBytes++;
          eventBytes++;
          if (eventBytes > limit) throw new OversizeEventError(limit);
        }
      };
    };
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = [0x0a, 0x0d, 0x61, 0x62, 0x3a, 0x20];
    let tripped = 0;
    for (let trial = 0; trial < 400; trial++) {
      const limit = 1 + rand(24);
      const stream = Uint8Array.from({ length: 20 + rand(200) }, () => alphabet[rand(alphabet.length)]!);
      const fast = new EventSizeGuard(limit);
      const slow = reference(limit);
      let offset = 0;
      while (offset < stream.length) {
        const chunk = stream.subarray(offset, offset + 1 + rand(40));
        offset += chunk.length;
        let fastThrew = false;
        let slowThrew = false;
        try { fast.check(chunk); } catch (error) { assert.ok(error instanceof OversizeEventError); fastThrew = true; }
        try { slow(chunk); } catch { slowThrew = true; }
        assert.equal(fastThrew, slowThrew, `trial ${trial}, limit ${limit}, offset ${offset}`);
        if (slowThrew) {
          tripped++;
          break;
        }
      }
    }
    // Both outcomes must have been exercised for the comparison to mean anything.
    assert.ok(tripped > 20 && tripped < 380, `tripped ${tripped} of 400`);
  });
});

describe('createSseReader', () => {
  test('surfaces events with id and type, comments and retry', () => {
    const { seen, callbacks } = recorder();
    const reader = createSseReader(1024, callbacks);
    reader.push(bytes(': keepalive\n\nretry: 2500\nid: 7\nevent: tick\ndata: {"n":1}\n\ndata: plain\n\n'));
    assert.deepEqual(seen.comments, ['keepalive']);
    assert.deepEqual(seen.retries, [2500]);
    assert.deepEqual(seen.events, [
      { id: '7', event: 'tick', data: '{"n":1}', bytes: 7 },
      { data: 'plain', bytes: 5 }, // the id persists at the client (resume state), not per event
    ]);
    assert.deepEqual(seen.warnings, []);
  });

  test('an oversize event throws before the parser sees any of it', () => {
    const { seen, callbacks } = recorder();
    const reader = createSseReader(1024, callbacks);
    assert.throws(() => reader.push(bytes(`data: ${'x'.repeat(2000)}\n\n`)), OversizeEventError);
    assert.deepEqual(seen.events, []);
  });

  test('invalid UTF-8 is replaced, counted and warned about; the stream goes on', () => {
    const { seen, callbacks } = recorder();
    const reader = createSseReader(1024, callbacks);
    reader.push(new Uint8Array([...bytes('data: a'), 0xff, 0xfe, ...bytes('b\n\n')]));
    reader.push(bytes('data: next\n\n'));
    assert.equal(reader.invalidUtf8, 2);
    assert.equal(seen.warnings.length, 1);
    assert.match(seen.warnings[0]!, /invalid UTF-8/);
    assert.deepEqual(seen.events.map((e) => e.data), ['a\uFFFD\uFFFDb', 'next']);
  });

  test('a literal U+FFFD and a multi-byte character split across chunks are not counted as invalid', () => {
    const { seen, callbacks } = recorder();
    const reader = createSseReader(1024, callbacks);
    const euro = bytes('€'); // 3 bytes
    reader.push(new Uint8Array([...bytes('data: \uFFFD '), euro[0]!]));
    reader.push(new Uint8Array([euro[1]!, euro[2]!, ...bytes('\n\n')]));
    assert.equal(reader.invalidUtf8, 0);
    assert.deepEqual(seen.warnings, []);
    assert.deepEqual(seen.events.map((e) => e.data), ['\uFFFD €']);
  });

  test('event sizes are UTF-8 bytes, also once a multi-byte character follows ASCII-only events', () => {
    const { seen, callbacks } = recorder();
    const reader = createSseReader(1024, callbacks);
    reader.push(bytes('data: abc\n\n'));
    const euro = bytes('€');
    reader.push(new Uint8Array([...bytes('data: x'), euro[0]!]));
    reader.push(new Uint8Array([euro[1]!, euro[2]!, ...bytes('\n\ndata: abc\n\n')]));
    assert.deepEqual(seen.events.map((e) => e.bytes), [3, 4, 3]);
  });
});
