// The lazily loading transport factory (src/transports/loader.ts): a connect asked for before its
// part is loaded starts the real transport once it is, and one closed meanwhile never connects.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { describe, test } from 'node:test';
import type { EndpointConfig } from '../../../src/core/config.ts';
import { parseEndpoints } from '../../../src/core/config.ts';
import type { EndInfo, TransportSink } from '../../../src/core/transport.ts';
import { lazyTransports } from '../../../src/transports/loader.ts';

function config(kind: string, url: string): EndpointConfig {
  const { endpoints, issues } = parseEndpoints([{ name: 'e', kind, url }]);
  assert.deepEqual(issues, []);
  return endpoints[0]!;
}

function sink(): { sink: TransportSink; ended: Promise<EndInfo> } {
  let done!: (info: EndInfo) => void;
  const ended = new Promise<EndInfo>((resolve) => (done = resolve));
  const ignore = () => {};
  return { sink: { opened: ignore, activity: ignore, warning: ignore, retryHint: ignore, evidence: ignore, ended: (info) => done(info) }, ended };
}

/** A port that refuses connections: a closed listener's. */
async function refusedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('lazyTransports', () => {
  for (const [kind, scheme] of [['sse', 'http'], ['mcp', 'http'], ['grpc', 'http'], ['websocket', 'ws']] as const) {
    test(`starts the real ${kind} transport once its part has loaded`, async () => {
      const port = await refusedPort();
      const factory = lazyTransports();
      const { sink: s, ended } = sink();
      factory({ config: config(kind, `${scheme}://127.0.0.1:${port}/x`), sink: s, resume: {}, attempt: 1 });
      const info = await ended;
      // Only the real transport can tell a refused connection.
      assert.equal(info.error, 'connect-failed', info.detail);
    });
  }

  test('a connect closed before its part loads reports the close and never connects', async () => {
    const port = await refusedPort();
    const { sink: s, ended } = sink();
    const transport = lazyTransports()({ config: config('websocket', `ws://127.0.0.1:${port}/x`), sink: s, resume: {}, attempt: 1 });
    transport.close('manual', 'paused');
    const info = await ended;
    assert.equal(info.cause, 'manual');
    assert.equal(info.detail, 'paused');
    assert.equal(info.error, undefined);
  });
});
