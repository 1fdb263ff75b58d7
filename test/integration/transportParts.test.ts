// The transport parts as shipped (dist/transports/*.cjs, `npm run build` first): each bundled file
// loads in a plain CommonJS require, as the extension host loads it, and its transports open a real
// stream against a lab server and answer a probe. The source-level loader is test/unit/transports/loader.test.ts.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import type { TransportFactory } from '../../src/core/transport.ts';
import { startLabServer } from '../../src/lab/servers/index.ts';
import type { LabServerKind } from '../../src/lab/types.ts';
import { endpoint, recordAttempt } from './support/monitorHarness.ts';

const require = createRequire(import.meta.url);
const DIST = new URL('../../dist/transports/', import.meta.url).pathname;

const CASES: readonly { part: string; exported: string; lab: LabServerKind; kind: string; probe: boolean }[] = [
  { part: 'http', exported: 'connectSse', lab: 'sse', kind: 'sse', probe: false },
  { part: 'http', exported: 'connectMcp', lab: 'mcp-v1', kind: 'mcp', probe: true },
  { part: 'http', exported: 'connectMcp', lab: 'mcp-v1-sse', kind: 'mcp-sse', probe: true },
  { part: 'grpc', exported: 'connectGrpc', lab: 'grpc', kind: 'grpc', probe: true },
  { part: 'websocket', exported: 'connectWebSocket', lab: 'websocket', kind: 'websocket', probe: true },
];

for (const c of CASES) {
  test(`dist/transports/${c.part}.cjs opens a ${c.kind} stream${c.probe ? ' and answers a probe' : ''}`, { timeout: 30_000 }, async (t) => {
    const file = `${DIST}${c.part}.cjs`;
    assert.ok(existsSync(file), `${file} is missing: run npm run build first`);
    const factory = (require(file) as Record<string, TransportFactory>)[c.exported];
    assert.equal(typeof factory, 'function', `${c.part}.cjs exports ${c.exported}`);
    const server = await startLabServer(c.lab, {});
    t.after(() => server.close());
    const url = c.kind === 'grpc' ? server.url.replace(/^grpc:/, 'http:') : server.url;
    const attempt = recordAttempt(factory!, endpoint({ name: 'part', kind: c.kind, url, heartbeatSeconds: 0, idleTimeoutSeconds: 0 }));
    await attempt.opened(10_000);
    if (c.probe) assert.ok((await attempt.transport.probe!()).rttMs >= 0);
    attempt.transport.close('manual', 'done');
    assert.equal((await attempt.ended()).cause, 'manual');
  });
}
