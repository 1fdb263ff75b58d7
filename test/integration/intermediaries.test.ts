// The diagnosis names the intermediary from what it says on the wire, through real Debian Caddy, Apache
// httpd and Varnish with 2 s timeouts: each named by evidence for every kind it carries, a two-hop chain
// listed outermost first with the cutting hop named by its close shape, and a lifetime cap named.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EndpointConfig, EndpointKind } from '../../src/core/config.ts';
import type { DiagnosisEvent, DropEvent, StreamEvent } from '../../src/core/events.ts';
import { apacheAvailable, caddyAvailable, nginxAvailable, startApache, startCaddy, startNginx, startVarnish, varnishAvailable } from '../../src/lab/proxies/index.ts';
import { startLabServer } from '../../src/lab/servers/index.ts';
import type { LabProxy, LabProxyOptions, LabServer, LabServerKind, ProxyMode } from '../../src/lab/types.ts';
import { endpoint, runMonitor } from './support/monitorHarness.ts';

const TIMEOUT_S = 2;
const TIMEOUT_MS = TIMEOUT_S * 1000;
const FAST_RECONNECT = { initialDelaySeconds: 0.1, maxDelaySeconds: 1, multiplier: 2, jitter: 0 };

/** In CI every proxy must be there (setup.sh installs them): a missing one fails instead of skipping. */
function missing(name: string, available: () => boolean): string | false {
  if (available()) return false;
  if (process.env.CI === 'true') throw new Error(`${name} is not installed; scripts/setup.sh installs it (APT_PACKAGES)`);
  return `${name} is not installed`;
}

interface KindCase {
  readonly kind: EndpointKind;
  readonly lab: LabServerKind;
  readonly mode: ProxyMode;
  readonly url: (server: LabServer, port: number) => string;
  /** Extra config: gRPC keeps its probes on (separate requests do not keep the Watch alive). */
  readonly extra?: Record<string, unknown>;
}

const swapPort = (server: LabServer, port: number) => {
  const url = new URL(server.url);
  url.port = String(port);
  return url.href;
};

const KINDS: Record<string, KindCase> = {
  sse: { kind: 'sse', lab: 'sse', mode: 'http', url: swapPort },
  mcp: { kind: 'mcp', lab: 'mcp-v1', mode: 'http', url: swapPort },
  websocket: { kind: 'websocket', lab: 'websocket', mode: 'websocket', url: swapPort },
  grpc: { kind: 'grpc', lab: 'grpc', mode: 'grpc', url: swapPort, extra: { grpc: { keepaliveSeconds: 0 } } },
};

const PROXIES = [
  { name: 'Caddy', start: (o: LabProxyOptions) => startCaddy(o), available: caddyAvailable, kinds: ['sse', 'mcp', 'grpc', 'websocket'] },
  // Apache's 101 for a tunnelled WebSocket carries no Server header, and a piped WebSocket's 101 passes
  // through Varnish byte for byte (no Via, no X-Varnish): on those paths nothing names the hop.
  { name: 'Apache httpd', start: startApache, available: apacheAvailable, kinds: ['sse', 'mcp'] },
  { name: 'Varnish', start: startVarnish, available: varnishAvailable, kinds: ['sse', 'mcp'] },
] as const;

function configFor(c: KindCase, url: string, extra: Record<string, unknown> = {}): EndpointConfig {
  return endpoint({ name: `${c.kind}-named`, kind: c.kind, url, heartbeatSeconds: 0, idleTimeoutSeconds: 0, reconnect: FAST_RECONNECT, ...c.extra, ...extra });
}

const isFinding = (finding: string) => (e: StreamEvent): e is DiagnosisEvent => e.event === 'diagnosis' && e.finding === finding;

async function diagnoseThrough(c: KindCase, serverOptions: Record<string, unknown>, chain: ((upstreamPort: number) => Promise<LabProxy>)[], finding: string, extra: Record<string, unknown> = {}) {
  const server = await startLabServer(c.lab, serverOptions);
  const proxies: LabProxy[] = [];
  try {
    // Built from the server outwards: the last one is the hop the client talks to.
    let upstream = server.port;
    for (const start of chain) {
      const proxy = await start(upstream);
      proxies.push(proxy);
      upstream = proxy.port;
    }
    const run = runMonitor([configFor(c, c.url(server, upstream), extra)]);
    try {
      const diagnosis = await run.log.waitFor(isFinding(finding), 30_000);
      return { diagnosis, drops: run.log.of('drop') as DropEvent[] };
    } finally {
      run.stop();
    }
  } finally {
    for (const proxy of proxies.reverse()) await proxy.stop();
    await server.close();
  }
}

describe('a silent stream through a real intermediary with a 2 s timeout is named by evidence', { concurrency: 3 }, () => {
  for (const proxy of PROXIES) {
    for (const kindName of proxy.kinds) {
      const c = KINDS[kindName]!;
      test(`${proxy.name}, ${kindName}: match ${proxy.name} from its headers, estimate within 10 % of 2 s`, { skip: missing(proxy.name, proxy.available) }, async () => {
        const { diagnosis, drops } = await diagnoseThrough(c, {}, [(port) => proxy.start({ upstreamPort: port, mode: c.mode, idleTimeoutSeconds: TIMEOUT_S })], 'intermediary-idle-timeout');
        assert.equal(diagnosis.match, proxy.name, diagnosis.message);
        assert.ok(diagnosis.hops?.some((h) => h.name === proxy.name), JSON.stringify(diagnosis.hops));
        assert.match(diagnosis.message, new RegExp(`by ${proxy.name} \\(evidence: `));
        assert.match(diagnosis.message, /confidence/);
        assert.ok(Math.abs(diagnosis.estimateMs! - TIMEOUT_MS) <= TIMEOUT_MS * 0.1, `estimate ${diagnosis.estimateMs} ms within 10 % of ${TIMEOUT_MS}`);
        assert.ok(drops.every((d) => d.hops?.some((h) => h.name === proxy.name)), 'every drop carries the hop');
      });
    }
  }
});

test('Apache httpd, websocket: the 101 names no hop, so the finding falls back to the timeout table and says so', { skip: missing('Apache httpd', apacheAvailable) }, async () => {
  const c = KINDS.websocket!;
  const { diagnosis } = await diagnoseThrough(c, {}, [(port) => startApache({ upstreamPort: port, mode: 'websocket', idleTimeoutSeconds: TIMEOUT_S })], 'intermediary-idle-timeout');
  assert.equal(diagnosis.match, undefined, 'no documented default is near 2 s and nothing named a hop');
  assert.equal(diagnosis.hops, undefined);
  assert.ok(Math.abs(diagnosis.estimateMs! - TIMEOUT_MS) <= TIMEOUT_MS * 0.1, `estimate ${diagnosis.estimateMs}`);
});

describe('two hops: the path is listed outermost first and the close shape names the hop that cut', { concurrency: 2 }, () => {
  const sse = KINDS.sse!;
  const skip = missing('Varnish', varnishAvailable) || missing('Caddy', caddyAvailable);
  test('Varnish (4 s) in front of Caddy (2 s): Caddy cut, ending the stream cleanly; hops Varnish > Caddy', { skip }, async () => {
    const { diagnosis, drops } = await diagnoseThrough(sse, {}, [
      (port) => startCaddy({ upstreamPort: port, mode: 'http', idleTimeoutSeconds: 2 }),
      (port) => startVarnish({ upstreamPort: port, mode: 'http', idleTimeoutSeconds: 4 }),
    ], 'intermediary-idle-timeout');
    assert.deepEqual(diagnosis.hops?.map((h) => h.name), ['Varnish', 'Caddy']);
    assert.equal(diagnosis.match, 'Caddy', diagnosis.message);
    assert.ok(drops.every((d) => d.end === 'clean'), `Caddy's read_timeout ends the response cleanly: ${drops.map((d) => d.end).join(', ')}`);
    assert.match(diagnosis.message, /ended cleanly each time, as if the server had finished/);
    assert.ok(Math.abs(diagnosis.estimateMs! - 2000) <= 200, `estimate ${diagnosis.estimateMs}`);
  });
  test('Varnish (2 s) in front of Caddy (4 s): Varnish cut, truncating the body; hops Varnish > Caddy', { skip }, async () => {
    const { diagnosis, drops } = await diagnoseThrough(sse, {}, [
      (port) => startCaddy({ upstreamPort: port, mode: 'http', idleTimeoutSeconds: 4 }),
      (port) => startVarnish({ upstreamPort: port, mode: 'http', idleTimeoutSeconds: 2 }),
    ], 'intermediary-idle-timeout');
    assert.deepEqual(diagnosis.hops?.map((h) => h.name), ['Varnish', 'Caddy']);
    assert.equal(diagnosis.match, 'Varnish', diagnosis.message);
    assert.ok(drops.every((d) => d.end === 'truncated'), drops.map((d) => d.end).join(', '));
    assert.match(diagnosis.message, /also on the path: Caddy/);
  });
});

test('Varnish (4 s) in front of nginx (2 s): both truncate the body, so the finding says it cannot tell and offers both settings', { skip: missing('Varnish', varnishAvailable) || missing('nginx', nginxAvailable) }, async () => {
  const { diagnosis, drops } = await diagnoseThrough(KINDS.sse!, {}, [
    (port) => startNginx({ upstreamPort: port, mode: 'http', idleTimeoutSeconds: 2 }),
    (port) => startVarnish({ upstreamPort: port, mode: 'http', idleTimeoutSeconds: 4 }),
  ], 'intermediary-idle-timeout');
  assert.deepEqual(diagnosis.hops?.map((h) => h.name), ['Varnish', 'nginx']);
  assert.ok(drops.every((d) => d.end === 'truncated'), drops.map((d) => d.end).join(', '));
  assert.equal(diagnosis.match, undefined);
  assert.match(diagnosis.message, /cannot tell which of Varnish or nginx cut it/);
});

describe('a lifetime cap: a busy stream closed at a fixed age is stream-lifetime-limit with the hop named', () => {
  test('Varnish send_timeout 3 s on an SSE stream with events every 200 ms', { skip: missing('Varnish', varnishAvailable) }, async () => {
    const { diagnosis, drops } = await diagnoseThrough(KINDS.sse!, { eventEveryMs: 200 }, [
      (port) => startVarnish({ upstreamPort: port, mode: 'http', idleTimeoutSeconds: 30, sendTimeoutSeconds: 3 }),
    ], 'stream-lifetime-limit');
    assert.equal(diagnosis.match, 'Varnish', diagnosis.message);
    assert.deepEqual(diagnosis.hops?.map((h) => h.name), ['Varnish']);
    assert.ok(Math.abs(diagnosis.estimateMs! - 3000) <= 300, `estimate ${diagnosis.estimateMs} ms within 10 % of 3 s`);
    assert.ok(drops.every((d) => d.silenceMs < 500), `the stream was busy when it was cut: ${drops.map((d) => d.silenceMs).join(', ')}`);
    assert.match(diagnosis.message, /by Varnish \(evidence: /);
  });
});
