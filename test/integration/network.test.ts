// The network layer against real parts: every kind through real squid (basic auth) and tinyproxy
// CONNECT tunnels to real servers behind a real nginx terminating TLS with a private CA (and demanding
// a client certificate for mTLS), an idle kill behind the proxy still diagnosed within 10 %, proxy
// bypass (off, NO_PROXY), 407 and a refused CONNECT failing without retries, trust added not replaced.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EndpointConfig } from '../../src/core/config.ts';
import { withNetwork } from '../../src/core/config.ts';
import type { DiagnosisEvent, ErrorEvent } from '../../src/core/events.ts';
import { proxyEnvironmentFrom } from '../../src/core/network.ts';
import { redact } from '../../src/core/secrets.ts';
import { Monitor } from '../../src/core/monitor.ts';
import { freePort } from '../../src/lab/net.ts';
import { startLabServer } from '../../src/lab/servers/index.ts';
import type { LabServer, LabServerKind, ProxyMode } from '../../src/lab/types.ts';
import { createTransport } from '../../src/transports/index.ts';
import { squidAvailable, startSquid, startTinyproxy, tinyproxyAvailable } from './support/forwardProxy.ts';
import type { ForwardProxy } from './support/forwardProxy.ts';
import { endpoint, eventLog, sleep } from './support/monitorHarness.ts';
import { makeTestPki } from './support/pki.ts';
import type { TestPki } from './support/pki.ts';
import { startTlsFront, tlsFrontAvailable } from './support/tlsFront.ts';
import type { TlsFront } from './support/tlsFront.ts';

const installed = squidAvailable() && tinyproxyAvailable() && tlsFrontAvailable();
// Skipping is honest on a developer machine without the proxies; in CI it would hide these proofs.
test('CI has squid, tinyproxy and nginx for the network proofs', { skip: !process.env.CI && 'enforced only with CI set' }, () => {
  assert.ok(installed, 'squid, tinyproxy or nginx is missing: run bash scripts/setup.sh');
});

const USER = 'alice';
/** Characters that must survive URL-encoding into the proxy URL and never show up anywhere. */
const PASSWORD = 'pl@nted:proxy-pw/9';
const SECRET_NAME = 'corp-proxy';
/** tinyproxy's config grammar takes no punctuation in a BasicAuth password. */
const TINY_PASSWORD = 'plantedTinyPw9';
const FAST = { initialDelaySeconds: 0.1, maxDelaySeconds: 0.3, multiplier: 2, jitter: 0 } as const;
const IDLE_SECONDS = 2;

interface Target {
  readonly kind: EndpointConfig['kind'];
  readonly labKind: LabServerKind;
  readonly mode: ProxyMode;
  /** The TLS URL of the server behind the TLS front. */
  url(front: TlsFront, server: LabServer): string;
  /** Lab options for a server that heartbeats (for "heartbeats flow"). */
  readonly lively: Record<string, number>;
  /** Heartbeat kinds proving data flows through the tunnel. */
  readonly heartbeatKinds: readonly string[];
}

const tlsUrl = (scheme: string) => (front: TlsFront, server: LabServer) => {
  const url = new URL(server.url);
  return `${scheme}://localhost:${front.port}${url.pathname === '/' ? '' : url.pathname}`;
};

const TARGETS: readonly Target[] = [
  { kind: 'sse', labKind: 'sse', mode: 'http', url: tlsUrl('https'), lively: { heartbeatMs: 300 }, heartbeatKinds: ['sse-comment'] },
  { kind: 'mcp', labKind: 'mcp-v1', mode: 'http', url: tlsUrl('https'), lively: { heartbeatMs: 300 }, heartbeatKinds: ['sse-comment', 'mcp-ping'] },
  { kind: 'websocket', labKind: 'websocket', mode: 'websocket', url: tlsUrl('wss'), lively: { pingMs: 300 }, heartbeatKinds: ['ws-ping', 'ws-pong'] },
  { kind: 'grpc', labKind: 'grpc', mode: 'grpc', url: tlsUrl('grpcs'), lively: { keepaliveMessageMs: 300 }, heartbeatKinds: ['grpc-message', 'grpc-check'] },
];

describe('network layer through real forward proxies', { skip: !installed && 'squid, tinyproxy or nginx not installed' }, () => {
  let pki: TestPki;
  let otherPki: TestPki;
  let squid: ForwardProxy;
  let tinyproxy: ForwardProxy;
  const cleanups: Array<() => unknown> = [];
  const secrets: Record<string, string> = { [SECRET_NAME]: PASSWORD, 'tiny-proxy': TINY_PASSWORD };
  const allOutput: string[] = [];

  /** A real Monitor whose secrets come from `secrets`; every event is kept for the planted-secret check. */
  function monitor(configs: EndpointConfig[]) {
    const log = eventLog();
    const m = new Monitor({ transportFactory: createTransport, resolveSecret: (name) => secrets[name], onWarning: (name, text) => allOutput.push(`${name}: ${text}`) });
    const off = m.onEvent((event) => {
      allOutput.push(JSON.stringify(event));
      log.listener(event);
    });
    m.update(configs);
    const stop = () => {
      allOutput.push(JSON.stringify(m.status()), JSON.stringify(m.history()));
      off();
      m.dispose();
    };
    cleanups.push(stop);
    return { m, log, stop };
  }

  async function serve(kind: LabServerKind, options: Record<string, number | string>): Promise<LabServer> {
    const server = await startLabServer(kind, options);
    cleanups.push(() => server.close());
    return server;
  }

  async function front(server: LabServer, mode: ProxyMode, extra: { readTimeoutSeconds?: number; clientCaFile?: string; http2?: boolean } = {}): Promise<TlsFront> {
    const f = await startTlsFront({ upstreamPort: server.port, mode, server: pki.server, ...extra });
    cleanups.push(() => f.stop());
    return f;
  }

  const viaSquid = () => `http://${USER}:\${secret:${SECRET_NAME}}@127.0.0.1:${squid.port}`;

  before(async () => {
    pki = makeTestPki({ name: 'network-proof', passphrase: 'key-pass-phrase' });
    otherPki = makeTestPki({ name: 'network-proof-extra' });
    squid = await startSquid({ auth: { user: USER, password: PASSWORD } });
    tinyproxy = await startTinyproxy({ auth: { user: USER, password: TINY_PASSWORD } });
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await squid?.stop();
    await tinyproxy?.stop();
    pki?.remove();
    otherPki?.remove();
  });

  test('every kind opens through squid with basic auth, over TLS to a private-CA server, and heartbeats flow', async () => {
    const configs: EndpointConfig[] = [];
    const ports = new Map<string, number>();
    for (const t of TARGETS) {
      const server = await serve(t.labKind, t.lively);
      const f = await front(server, t.mode);
      ports.set(t.kind, f.port);
      configs.push(endpoint({ name: `squid-${t.kind}`, kind: t.kind, url: t.url(f, server), proxy: viaSquid(), tls: { caFile: pki.caFile }, heartbeatSeconds: 0.5, idleTimeoutSeconds: 5, reconnect: FAST }));
    }
    const run = monitor(configs);
    for (const t of TARGETS) {
      const open = await run.log.waitFor((e) => e.event === 'open' && e.endpoint === `squid-${t.kind}`, 15_000);
      assert.match((open as { detail: string }).detail, new RegExp(`via proxy http://127\\.0\\.0\\.1:${squid.port} \\(the endpoint proxy setting\\)`), `${t.kind} open detail names the proxy`);
      for (const kind of t.heartbeatKinds) {
        await run.log.waitFor((e) => e.event === 'heartbeat' && e.endpoint === `squid-${t.kind}` && e.kind === kind, 10_000);
      }
    }
    assert.deepEqual(run.log.of('drop'), [], 'no drops while heartbeats flow');
    assert.deepEqual(run.log.of('error'), []);
    const status = run.m.status().find((s) => s.name === 'squid-sse')!;
    assert.match(status.route ?? '', /^via proxy http:\/\/127\.0\.0\.1:\d+/);
    run.stop();
    // squid logs a tunnel when it closes: each kind's CONNECT, with the user name (credentials accepted).
    for (const t of TARGETS) await squid.waitForLog(new RegExp(`TCP_TUNNEL/200 .*CONNECT localhost:${ports.get(t.kind)} ${USER} `), 5_000);
  });

  test('MCP over HTTP/2, direct and through squid: pings beside the GET stream are answered on their own connection', async () => {
    // undici's Client sends a POST only when nothing else runs on its connection, so a ping sharing
    // the stream's connection would wait forever: the attempt's second lane must carry it.
    const server = await serve('mcp-v1', { heartbeatMs: 300 });
    const f = await front(server, 'http', { http2: true });
    const url = tlsUrl('https')(f, server);
    const base = { kind: 'mcp' as const, url, tls: { caFile: pki.caFile }, heartbeatSeconds: 0.3, idleTimeoutSeconds: 5, reconnect: FAST };
    const run = monitor([endpoint({ ...base, name: 'h2-direct' }), endpoint({ ...base, name: 'h2-squid', proxy: viaSquid() })]);
    for (const name of ['h2-direct', 'h2-squid']) {
      const open = await run.log.waitFor((e) => e.event === 'open' && e.endpoint === name, 15_000);
      assert.match((open as { detail: string }).detail, /HTTP\/2, GET stream/, `${name}: ${JSON.stringify(open)}`);
      await run.log.waitForCount((e) => e.event === 'heartbeat' && e.endpoint === name && e.kind === 'mcp-ping', 3, 10_000);
    }
    assert.deepEqual(run.log.of('drop'), [], 'no drops while pings are answered');
    assert.deepEqual(run.log.of('error'), []);
    run.stop();
  });

  test('plain ws:// and http:// go through a CONNECT tunnel too (tinyproxy), and the credentials reach it', async () => {
    const ws = await serve('websocket', { pingMs: 300 });
    const sse = await serve('sse', { heartbeatMs: 300 });
    const viaTiny = `http://${USER}:\${secret:tiny-proxy}@127.0.0.1:${tinyproxy.port}`;
    const run = monitor([
      endpoint({ name: 'tiny-ws', kind: 'websocket', url: ws.url, proxy: viaTiny, heartbeatSeconds: 0.5, idleTimeoutSeconds: 5 }),
      endpoint({ name: 'tiny-sse', kind: 'sse', url: sse.url, proxy: viaTiny, heartbeatSeconds: 0, idleTimeoutSeconds: 5 }),
    ]);
    await run.log.waitFor((e) => e.event === 'heartbeat' && e.endpoint === 'tiny-ws' && e.kind === 'ws-ping', 10_000);
    await run.log.waitFor((e) => e.event === 'heartbeat' && e.endpoint === 'tiny-sse' && e.kind === 'sse-comment', 10_000);
    run.stop();
    await tinyproxy.waitForLog(new RegExp(`CONNECT 127\\.0\\.0\\.1:${ws.port} HTTP/1\\.1`), 5_000);
    await tinyproxy.waitForLog(new RegExp(`CONNECT 127\\.0\\.0\\.1:${sse.port} HTTP/1\\.1`), 5_000);
  });

  test('an idle kill behind the proxy is still diagnosed within 10 % (nginx read timeout 2 s, through squid)', async () => {
    const configs: EndpointConfig[] = [];
    for (const t of TARGETS) {
      // Silent servers and no client heartbeats: only the proxy's timeout ends the streams.
      const server = await serve(t.labKind, {});
      const f = await front(server, t.mode, { readTimeoutSeconds: IDLE_SECONDS });
      configs.push(endpoint({ name: `idle-${t.kind}`, kind: t.kind, url: t.url(f, server), proxy: viaSquid(), tls: { caFile: pki.caFile }, heartbeatSeconds: 0, idleTimeoutSeconds: 30, reconnect: FAST }));
    }
    const run = monitor(configs);
    for (const t of TARGETS) {
      const diagnosis = (await run.log.waitFor((e) => e.event === 'diagnosis' && e.endpoint === `idle-${t.kind}` && e.finding === 'intermediary-idle-timeout', 40_000)) as DiagnosisEvent;
      assert.ok(diagnosis.estimateMs !== undefined && Math.abs(diagnosis.estimateMs - IDLE_SECONDS * 1000) <= IDLE_SECONDS * 100, `${t.kind}: estimate ${diagnosis.estimateMs} ms within 10 % of ${IDLE_SECONDS} s`);
    }
    run.stop();
  });

  test('mutual TLS: without a client certificate a clear error naming the fields and no retry storm; with one (encrypted key) it opens', async () => {
    const configs: EndpointConfig[] = [];
    for (const t of TARGETS) {
      const server = await serve(t.labKind, t.lively);
      const f = await front(server, t.mode, { clientCaFile: pki.caFile });
      const base = { kind: t.kind, url: t.url(f, server), tls: { caFile: pki.caFile }, heartbeatSeconds: 0.5, idleTimeoutSeconds: 5, reconnect: FAST };
      configs.push(endpoint({ ...base, name: `nocert-${t.kind}` }));
      configs.push(endpoint({ ...base, name: `cert-${t.kind}`, proxy: viaSquid(), tls: { caFile: pki.caFile, certFile: pki.client.cert, keyFile: pki.client.encryptedKey, keyPassphrase: '${secret:key-pass}' } }));
    }
    Object.assign(secrets, { 'key-pass': pki.client.passphrase });
    const run = monitor(configs);
    for (const t of TARGETS) {
      const error = (await run.log.waitFor((e) => e.event === 'error' && e.endpoint === `nocert-${t.kind}`, 15_000)) as ErrorEvent;
      assert.equal(error.cause, 'tls', `${t.kind}: ${error.message}`);
      assert.match(error.message, /requires a client certificate: set tls\.certFile and tls\.keyFile/, t.kind);
      await run.log.waitFor((e) => e.event === 'open' && e.endpoint === `cert-${t.kind}`, 15_000);
    }
    await sleep(1500);
    for (const t of TARGETS) {
      const attempts = run.log.events.filter((e) => e.event === 'connecting' && e.endpoint === `nocert-${t.kind}`).length;
      assert.equal(attempts, 1, `${t.kind}: a missing client certificate is not retried (${attempts} attempts)`);
      assert.equal(run.m.status().find((s) => s.name === `nocert-${t.kind}`)!.state, 'failed');
    }
    run.stop();
  });

  test('a wrong proxy password ends in failed with cause proxy, without retries; a refused CONNECT too; a dead proxy is retried', async () => {
    const server = await serve('sse', { heartbeatMs: 300 });
    const grpc = await serve('grpc', { keepaliveMessageMs: 300 });
    const ws = await serve('websocket', { pingMs: 300 });
    const wrong = `http://${USER}:wrong-password@127.0.0.1:${squid.port}`;
    const policy = await startSquid({ denyConnectPorts: [server.port] });
    cleanups.push(() => policy.stop());
    const dead = await freePort();
    const run = monitor([
      endpoint({ name: 'wrong-sse', kind: 'sse', url: server.url, proxy: wrong, heartbeatSeconds: 0, idleTimeoutSeconds: 5, reconnect: FAST }),
      endpoint({ name: 'wrong-ws', kind: 'websocket', url: ws.url, proxy: wrong, heartbeatSeconds: 0, idleTimeoutSeconds: 5, reconnect: FAST }),
      endpoint({ name: 'wrong-grpc', kind: 'grpc', url: grpc.url, proxy: wrong, heartbeatSeconds: 0, idleTimeoutSeconds: 5, reconnect: FAST }),
      endpoint({ name: 'policy-sse', kind: 'sse', url: server.url, proxy: `http://127.0.0.1:${policy.port}`, heartbeatSeconds: 0, idleTimeoutSeconds: 5, reconnect: FAST }),
      endpoint({ name: 'dead-proxy', kind: 'sse', url: server.url, proxy: `http://127.0.0.1:${dead}`, heartbeatSeconds: 0, idleTimeoutSeconds: 5, reconnect: FAST }),
    ]);
    for (const name of ['wrong-sse', 'wrong-ws', 'wrong-grpc']) {
      const error = (await run.log.waitFor((e) => e.event === 'error' && e.endpoint === name, 15_000)) as ErrorEvent;
      assert.equal(error.cause, 'proxy', `${name}: ${error.message}`);
      assert.match(error.message, /wants credentials \(407/, name);
    }
    const refused = (await run.log.waitFor((e) => e.event === 'error' && e.endpoint === 'policy-sse', 15_000)) as ErrorEvent;
    assert.equal(refused.cause, 'proxy');
    assert.match(refused.message, /refused to open a tunnel/);
    await run.log.waitForCount((e) => e.event === 'error' && e.endpoint === 'dead-proxy', 2, 15_000);
    const deadError = run.log.of('error').find((e) => e.endpoint === 'dead-proxy')!;
    assert.equal(deadError.cause, 'connect-failed');
    assert.match(deadError.message, new RegExp(`cannot reach the proxy http://127\\.0\\.0\\.1:${dead}`));
    await sleep(1000);
    for (const name of ['wrong-sse', 'wrong-ws', 'wrong-grpc', 'policy-sse']) {
      const attempts = run.log.events.filter((e) => e.event === 'connecting' && e.endpoint === name).length;
      assert.equal(attempts, 1, `${name} is not retried (${attempts} attempts)`);
      assert.equal(run.m.status().find((s) => s.name === name)!.state, 'failed', name);
    }
    run.stop();
  });

  test('proxy "off" and NO_PROXY go direct while the proxy environment points at a dead port', async () => {
    // 127.0.0.2 is loopback but not one of the three always-direct hosts, so the route decides.
    const server = await serve('sse', { heartbeatMs: 300, host: '127.0.0.2' });
    const grpc = await serve('grpc', { keepaliveMessageMs: 300, host: '127.0.0.2' });
    const dead = await freePort();
    const env = proxyEnvironmentFrom({ HTTP_PROXY: `http://127.0.0.1:${dead}`, NO_PROXY: '127.0.0.2' });
    const configs = withNetwork([
      endpoint({ name: 'off', kind: 'sse', url: server.url, proxy: 'off', heartbeatSeconds: 0, idleTimeoutSeconds: 5 }),
      endpoint({ name: 'no-proxy', kind: 'grpc', url: grpc.url, heartbeatSeconds: 0.5, idleTimeoutSeconds: 5 }),
      endpoint({ name: 'proxied', kind: 'sse', url: `http://127.0.0.3:${server.port}/events`, heartbeatSeconds: 0, idleTimeoutSeconds: 5, reconnect: FAST }),
    ], env, true);
    const run = monitor(configs);
    await run.log.waitFor((e) => e.event === 'open' && e.endpoint === 'off', 10_000);
    await run.log.waitFor((e) => e.event === 'open' && e.endpoint === 'no-proxy', 10_000);
    const error = (await run.log.waitFor((e) => e.event === 'error' && e.endpoint === 'proxied', 10_000)) as ErrorEvent;
    assert.match(error.message, /cannot reach the proxy .*environment \(HTTP_PROXY\)/, 'the same environment does route the third one');
    run.stop();
  });

  test('tls.caFile and NODE_EXTRA_CA_CERTS are both trusted at once, on top of the bundled roots', async (t) => {
    // NODE_EXTRA_CA_CERTS is read by Node at start-up, so a child process checks it.
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const server = await serve('sse', { heartbeatMs: 300 });
    const mine = await front(server, 'http');
    const extraServer = await serve('sse', { heartbeatMs: 300 });
    const extraFront = await startTlsFront({ upstreamPort: extraServer.port, mode: 'http', server: otherPki.server });
    t.after(() => extraFront.stop());
    const script = `
      import { parseEndpoints } from ${JSON.stringify(new URL('../../src/core/config.ts', import.meta.url).href)};
      import { Monitor } from ${JSON.stringify(new URL('../../src/core/monitor.ts', import.meta.url).href)};
      import { createTransport } from ${JSON.stringify(new URL('../../src/transports/index.ts', import.meta.url).href)};
      const { endpoints } = parseEndpoints(${JSON.stringify([
        { name: 'ca-file', kind: 'sse', url: `https://localhost:${mine.port}/events`, tls: { caFile: pki.caFile }, heartbeatSeconds: 0, idleTimeoutSeconds: 5 },
        { name: 'extra', kind: 'sse', url: `https://localhost:${extraFront.port}/events`, tls: { caFile: pki.caFile }, heartbeatSeconds: 0, idleTimeoutSeconds: 5 },
      ])});
      const m = new Monitor({ transportFactory: createTransport });
      const opened = new Set();
      m.onEvent((e) => { if (e.event === 'open') opened.add(e.endpoint); if (e.event === 'error') console.log('ERROR', e.endpoint, e.message); if (opened.size === 2) { console.log('OPEN', [...opened].sort().join(',')); m.dispose(); process.exit(0); } });
      m.update(endpoints);
      setTimeout(() => { console.log('TIMEOUT', [...opened].join(',')); process.exit(1); }, 10000);
    `;
    // Asynchronously: the servers live in this process and must keep answering.
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, NODE_EXTRA_CA_CERTS: otherPki.caFile }, encoding: 'utf8' });
    assert.match(stdout, /OPEN ca-file,extra/, stdout);
  });

  test('the proxy password and the key passphrase never reach events, status, history or warnings', () => {
    const text = allOutput.join('\n');
    assert.ok(text.length > 1000, 'the other tests produced output to search');
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), TINY_PASSWORD, pki.client.passphrase]) {
      assert.ok(!text.includes(secret), `planted secret ${JSON.stringify(secret)} leaked`);
    }
    assert.equal(redact(text, [PASSWORD]), text);
    assert.ok(!/wrong-password/.test(text), 'a literal proxy password in the URL is not shown either');
  });
});
