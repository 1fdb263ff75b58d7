// The server keepalive helpers against real loopback sockets: SSE comments, gRPC no-op messages,
// WebSocket pings with terminate on a missing pong; each stops on close and on its stop function.

import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import WebSocket, { WebSocketServer } from 'ws';
import { grpcKeepalive, KeepaliveOptionError, sseHeartbeat, wsHeartbeat } from '../../../src/serverKeepalive/index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function listenHttp(handler: http.RequestListener): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

test('sseHeartbeat writes ": keepalive" comment frames on a real response until the client goes away', async () => {
  let stopped: (() => void) | undefined;
  let closed!: () => void;
  const closedP = new Promise<void>((r) => (closed = r));
  const { server, port } = await listenHttp((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    stopped = sseHeartbeat(res, { intervalMs: 50 });
    res.once('close', closed);
  });
  try {
    const abort = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: abort.signal });
    const reader = response.body!.getReader();
    let text = '';
    while ((text.match(/: keepalive\n\n/g) ?? []).length < 3) text += new TextDecoder().decode((await reader.read()).value);
    assert.match(text, /^(: keepalive\n\n)+$/);
    abort.abort();
    await closedP;
    assert.equal(typeof stopped, 'function');
    stopped!(); // idempotent after the automatic stop
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('sseHeartbeat uses a custom comment, skips ticks before headers, and rejects bad options', async () => {
  const writes: string[] = [];
  const fake = {
    headersSent: false,
    write: (chunk: string) => writes.push(chunk) > 0,
    once: () => undefined,
  };
  const stop = sseHeartbeat(fake, { intervalMs: 20, comment: 'ping' });
  await sleep(70);
  assert.deepEqual(writes, []);
  fake.headersSent = true;
  await sleep(70);
  stop();
  const count = writes.length;
  assert.ok(count >= 1);
  assert.ok(writes.every((w) => w === ': ping\n\n'));
  await sleep(60);
  assert.equal(writes.length, count, 'no writes after stop()');
  assert.throws(() => sseHeartbeat(fake, { intervalMs: 0 }), (e: unknown) => e instanceof KeepaliveOptionError && e.code === 'SH_ERR_KEEPALIVE_OPTION');
  assert.throws(() => sseHeartbeat(fake, { intervalMs: 10, comment: 'a\nb' }), KeepaliveOptionError);
});

test('grpcKeepalive re-sends a no-op message on a server stream until the client cancels', async () => {
  const server = new grpc.Server();
  let stoppedByCancel = false;
  server.addService(healthService as grpc.ServiceDefinition, {
    check: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { status: 'SERVING' }),
    watch: (call: grpc.ServerWritableStream<{ service: string }, { status: string }>) => {
      call.write({ status: 'SERVING' });
      const stop = grpcKeepalive(call, { intervalMs: 50, message: () => ({ status: 'SERVING' }) });
      call.on('cancelled', () => {
        stoppedByCancel = true;
        stop();
      });
    },
  } as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
  const Client = grpc.makeGenericClientConstructor(healthService as grpc.ServiceDefinition, 'Health');
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  try {
    const call = (client as unknown as { watch(r: object): grpc.ClientReadableStream<{ status: string }> }).watch({ service: '' });
    const messages: string[] = [];
    await new Promise<void>((resolve) => {
      call.on('data', (m) => {
        messages.push(m.status);
        if (messages.length === 4) resolve();
      });
    });
    call.on('error', () => {});
    call.cancel();
    assert.deepEqual(messages, ['SERVING', 'SERVING', 'SERVING', 'SERVING']);
    for (let i = 0; i < 40 && !stoppedByCancel; i++) await sleep(25);
    assert.ok(stoppedByCancel);
  } finally {
    client.close();
    server.forceShutdown();
  }
});

test('wsHeartbeat pings peers that answer and terminates a peer that stops answering pongs', async () => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', r));
  const port = (wss.address() as AddressInfo).port;
  const terminated: WebSocket[] = [];
  const stop = wsHeartbeat(wss, { intervalMs: 60, onTerminate: (s) => terminated.push(s) });
  try {
    const healthy = new WebSocket(`ws://127.0.0.1:${port}`);
    // autoPong off: this client never answers pings, like a peer whose host vanished.
    const mute = new WebSocket(`ws://127.0.0.1:${port}`, { autoPong: false });
    let pings = 0;
    let mutePings = 0;
    healthy.on('ping', () => pings++);
    mute.on('ping', () => mutePings++);
    await Promise.all([healthy, mute].map((s) => new Promise((r) => s.once('open', r))));
    const muteClosed = new Promise<number>((r) => mute.once('close', (code) => r(code)));
    const code = await Promise.race([muteClosed, sleep(2000).then(() => -1)]);
    assert.equal(code, 1006, 'the mute peer is terminated (abnormal closure), not left half-dead');
    assert.equal(terminated.length, 1);
    assert.equal(mutePings, 1, 'default: terminated at the first tick after an unanswered ping');
    await sleep(200);
    assert.equal(healthy.readyState, WebSocket.OPEN, 'a peer that answers pongs stays connected');
    assert.ok(pings >= 2);
    healthy.close();
  } finally {
    stop();
    await new Promise<void>((r) => wss.close(() => r()));
  }
});

test('wsHeartbeat on a single socket stops pinging after stop()', async () => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', r));
  const port = (wss.address() as AddressInfo).port;
  const serverSide = new Promise<WebSocket>((r) => wss.once('connection', r));
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  let pings = 0;
  client.on('ping', () => pings++);
  try {
    const stop = wsHeartbeat(await serverSide, { intervalMs: 40 });
    await sleep(150);
    stop();
    // A ping sent just before stop() may still be on its way: let it land before counting.
    await sleep(30);
    const seen = pings;
    assert.ok(seen >= 2);
    await sleep(150);
    assert.equal(pings, seen);
  } finally {
    client.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  }
});

test('wsHeartbeat with maxMissedPongs tolerates that many unanswered pings before terminating', async () => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', r));
  const port = (wss.address() as AddressInfo).port;
  const stop = wsHeartbeat(wss, { intervalMs: 40, maxMissedPongs: 3 });
  try {
    const mute = new WebSocket(`ws://127.0.0.1:${port}`, { autoPong: false });
    let pings = 0;
    mute.on('ping', () => pings++);
    const code = await Promise.race([new Promise<number>((r) => mute.once('close', (c) => r(c))), sleep(3000).then(() => -1)]);
    assert.equal(code, 1006);
    // Deterministic: exactly three pings went unanswered, the fourth tick terminated the peer.
    assert.equal(pings, 3);
    assert.throws(() => wsHeartbeat(wss, { intervalMs: 40, maxMissedPongs: 0 }), KeepaliveOptionError);
  } finally {
    stop();
    await new Promise<void>((r) => wss.close(() => r()));
  }
});
