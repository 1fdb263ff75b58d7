// The bare-library clients the benchmarks compare the monitor with: undici `request` + eventsource-parser
// for SSE, `ws`, a grpc-js Health/Watch call, the MCP SDK v1 client (Streamable HTTP, GET stream). Each can
// send the client heartbeat the monitor would (WS ping, gRPC Health/Check, MCP ping), on a plain interval.

import * as grpc from '@grpc/grpc-js';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createParser } from 'eventsource-parser';
import { service as healthService } from 'grpc-health-check';
import { request } from 'undici';
import WebSocket from 'ws';

export type RawKind = 'sse' | 'websocket' | 'grpc' | 'mcp';

export interface RawOptions {
  /** The stream is up: SSE/MCP GET response headers, WS open, the first Watch message. */
  readonly onOpen?: () => void;
  /** One inbound message (SSE event, WS message, Watch message, MCP server notification). */
  readonly onMessage?: () => void;
  /** The stream ended or failed (once), with what the library said. */
  readonly onEnd?: (why: string) => void;
  /** Client heartbeat interval (WS ping, Health/Check, MCP ping); 0/undefined = none. SSE has none. */
  readonly heartbeatMs?: number;
}

export interface RawStream {
  close(): void;
}

/** One end report per stream, and the heartbeat timer, shared by every client below. */
function lifecycle(options: RawOptions, beat: (() => void) | undefined) {
  let ended = false;
  let opened = false;
  const timer = beat && options.heartbeatMs ? setInterval(beat, options.heartbeatMs) : undefined;
  return {
    get ended() {
      return ended;
    },
    open(): void {
      if (opened || ended) return;
      opened = true;
      options.onOpen?.();
    },
    end(why: string): void {
      if (ended) return;
      ended = true;
      clearInterval(timer);
      options.onEnd?.(why);
    },
  };
}

export function openRawSse(url: string, options: RawOptions = {}): RawStream {
  const abort = new AbortController();
  const life = lifecycle(options, undefined);
  const parser = createParser({ onEvent: () => options.onMessage?.() });
  void request(url, { signal: abort.signal, bodyTimeout: 0, headers: { accept: 'text/event-stream' } })
    .then(async ({ statusCode, body }) => {
      if (statusCode !== 200) {
        body.resume();
        return life.end(`HTTP ${statusCode}`);
      }
      life.open();
      // Decode every chunk here: with setEncoding(), some chunks still came as Buffers at 10,000 streams
      // (eventsource-parser then threw).
      const decoder = new TextDecoder();
      for await (const chunk of body) parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
      life.end('the response ended');
    })
    .catch((error: unknown) => life.end(String(error)));
  return {
    close() {
      life.end('closed');
      abort.abort();
    },
  };
}

export function openRawWs(url: string, options: RawOptions = {}): RawStream {
  const socket = new WebSocket(url);
  const life = lifecycle(options, () => socket.readyState === WebSocket.OPEN && socket.ping());
  socket.on('open', () => life.open());
  socket.on('message', () => options.onMessage?.());
  socket.on('error', (error) => life.end(String(error)));
  socket.on('close', (code) => life.end(`close ${code}`));
  return {
    close() {
      life.end('closed');
      socket.terminate();
    },
  };
}

const HealthClient = grpc.makeGenericClientConstructor(healthService as grpc.ServiceDefinition, 'Health');
interface HealthStub {
  watch(request: object): grpc.ClientReadableStream<unknown>;
  check(request: object, callback: (error: grpc.ServiceError | null) => void): grpc.ClientUnaryCall;
}

export function openRawGrpc(url: string, options: RawOptions = {}): RawStream {
  // A channel of its own per stream, as the monitor has (otherwise all streams share one connection).
  const client = new HealthClient(new URL(url).host, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  const stub = client as unknown as HealthStub;
  const life = lifecycle(options, () => void stub.check({ service: '' }, () => {}));
  const call = stub.watch({ service: '' });
  call.on('data', () => {
    life.open();
    options.onMessage?.();
  });
  call.on('error', (error) => life.end(String(error)));
  call.on('end', () => life.end('the call ended'));
  return {
    close() {
      life.end('closed');
      call.cancel();
      client.close();
    },
  };
}

export function openRawMcp(url: string, options: RawOptions = {}): RawStream {
  const client = new McpClient({ name: 'bench-raw', version: '1.0.0' });
  const life = lifecycle(options, () => void client.ping().catch((error: unknown) => life.end(`ping: ${String(error)}`)));
  // The SDK opens its GET stream on its own after `initialized`; its fetch is how we see it answered.
  const watchGet: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (init?.method === 'GET' && response.ok) life.open();
    return response;
  };
  // Server notifications the SDK has no handler for reach this one (after its own parsing and validation).
  client.fallbackNotificationHandler = async () => options.onMessage?.();
  const transport = new StreamableHTTPClientTransport(new URL(url), { fetch: watchGet });
  transport.onerror = (error) => life.end(`transport: ${String(error)}`);
  client.onclose = () => life.end('the client closed');
  client.connect(transport).catch((error: unknown) => life.end(`connect: ${String(error)}`));
  return {
    close() {
      life.end('closed');
      void client.close().catch(() => {});
    },
  };
}

export const OPEN_RAW: Readonly<Record<RawKind, (url: string, options?: RawOptions) => RawStream>> = {
  sse: openRawSse,
  websocket: openRawWs,
  grpc: openRawGrpc,
  mcp: openRawMcp,
};
