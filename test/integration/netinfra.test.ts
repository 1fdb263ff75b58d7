// The network tests' real infrastructure works, proven with plain Node clients: squid (basic auth, CONNECT
// policy) and tinyproxy tunnel to an nginx TLS front signed by a test-time CA, log the CONNECT and the user,
// and an nginx mTLS front accepts only a client certificate from that CA.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { ProxyAgent, request } from 'undici';
import WebSocket from 'ws';
import { closeHttp, listen } from '../../src/lab/net.ts';
import { startGrpcHealthServer } from '../../src/lab/servers/grpc.ts';
import { startWsServer } from '../../src/lab/servers/websocket.ts';
import { basicProxyAuthorization, proxyUrl, squidAvailable, startSquid, startTinyproxy, tinyproxyAvailable } from './support/forwardProxy.ts';
import type { ForwardProxy, ProxyCredentials } from './support/forwardProxy.ts';
import type { DiagnosisEvent } from '../../src/core/events.ts';
import { endpoint, runMonitor } from './support/monitorHarness.ts';
import { CLIENT_COMMON_NAME, makeTestPki } from './support/pki.ts';
import type { TestPki } from './support/pki.ts';
import { startTlsFront, tlsFrontAvailable } from './support/tlsFront.ts';
import type { TlsFront } from './support/tlsFront.ts';

// As in lab.test.ts: skipping is honest on a developer machine, but in CI it would hide these proofs.
test('CI has squid, tinyproxy and nginx installed', { skip: !process.env.CI && 'enforced only with CI set' }, () => {
  assert.ok(squidAvailable(), 'squid is not installed: run bash scripts/setup.sh');
  assert.ok(tinyproxyAvailable(), 'tinyproxy is not installed: run bash scripts/setup.sh');
  assert.ok(tlsFrontAvailable(), 'nginx is not installed: run bash scripts/setup.sh');
});

const installed = squidAvailable() && tinyproxyAvailable() && tlsFrontAvailable();
const USER: ProxyCredentials = { user: 'alice', password: 'pa ss:w@rd' };
const WRONG: ProxyCredentials = { user: 'alice', password: 'wrong' };
const TINY_USER: ProxyCredentials = { user: 'bob', password: 'tiny-secret' };
const SILENT_PATH = '/silent';

/** The status line a proxy answers to `CONNECT target` (no tunnel is used). */
function connectStatus(proxy: ForwardProxy, target: string, credentials?: ProxyCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = credentials ? { 'proxy-authorization': basicProxyAuthorization(credentials) } : {};
    const req = http.request({ host: '127.0.0.1', port: proxy.port, method: 'CONNECT', path: target, headers });
    req.once('connect', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}

/** GET over TLS straight to `url` with node:https; resolves status and body. */
function httpsGet(url: string, tls: https.RequestOptions): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ...tls, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
  });
}

/** GET `url` through `proxy` with undici's ProxyAgent (a CONNECT tunnel); closes the agent, so the tunnel too. */
async function getViaProxy(proxy: ForwardProxy, url: string, credentials: ProxyCredentials, requestTls: object, proxyTls?: object): Promise<string> {
  const agent = new ProxyAgent({ uri: proxyUrl(proxy, credentials), requestTls, proxyTls });
  try {
    const res = await request(url, { dispatcher: agent });
    assert.equal(res.statusCode, 200);
    return await res.body.text();
  } finally {
    await agent.close();
  }
}

describe('network test infrastructure', { skip: installed ? false : 'squid, tinyproxy or nginx is not installed' }, () => {
  let pki: TestPki;
  let ca: string;
  let upstream: http.Server;
  let front: TlsFront;
  let mtlsFront: TlsFront;
  let squid: ForwardProxy;
  let tinyproxy: ForwardProxy;
  const stops: Array<() => Promise<void>> = [];
  const keep = <T extends { stop(): Promise<void> }>(started: T): T => {
    stops.push(() => started.stop());
    return started;
  };

  before(async () => {
    pki = makeTestPki();
    ca = fs.readFileSync(pki.caFile, 'utf8');
    upstream = http.createServer((req, res) => {
      if (req.url !== SILENT_PATH) return res.end(`upstream saw ${req.method} ${req.url}`);
      // One SSE comment, then silence: for the fronts' read timeout.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
    });
    const upstreamPort = await listen(upstream);
    [front, mtlsFront, squid, tinyproxy] = await Promise.all([
      startTlsFront({ upstreamPort, mode: 'http', server: pki.server }).then(keep),
      startTlsFront({ upstreamPort, mode: 'http', server: pki.server, clientCaFile: pki.caFile }).then(keep),
      startSquid({ auth: USER }).then(keep),
      startTinyproxy({ auth: TINY_USER }).then(keep),
    ]);
  });

  after(async () => {
    await Promise.all(stops.map((stop) => stop()));
    if (upstream) await closeHttp(upstream);
    pki?.remove();
  });

  test('squid with basic auth tunnels to the TLS front and logs TCP_TUNNEL with the user', async () => {
    assert.equal(await getViaProxy(squid, `${front.url}/through-squid`, USER, { ca }), 'upstream saw GET /through-squid');
    // squid writes a tunnel's line when the tunnel closes (getViaProxy closed it).
    const log = await squid.waitForLog(new RegExp(`TCP_TUNNEL/200 .* CONNECT localhost:${front.port} ${USER.user} `));
    assert.doesNotMatch(log, /pa ss/, 'squid does not log the password');
  });

  test('squid answers 407 without credentials or with a wrong password; undici reports it as an abort', async () => {
    assert.equal(await connectStatus(squid, `localhost:${front.port}`), 407);
    assert.equal(await connectStatus(squid, `localhost:${front.port}`, WRONG), 407);
    await assert.rejects(getViaProxy(squid, front.url, WRONG, { ca }), { code: 'UND_ERR_ABORTED', message: /Proxy response \(407\)/ });
    await squid.waitForLog(/TCP_DENIED\/407 .* CONNECT localhost:\d+ alice /);
  });

  test('squid without auth tunnels to 127.0.0.1 and refuses CONNECT to a denied port with 403', async (t) => {
    const open = await startSquid({ denyConnectPorts: [mtlsFront.port] });
    t.after(() => open.stop());
    assert.equal(await connectStatus(open, `localhost:${mtlsFront.port}`), 403);
    assert.equal(await connectStatus(open, `127.0.0.1:${front.port}`), 200);
    const log = await open.waitForLog(/TCP_TUNNEL\/200 .* CONNECT 127\.0\.0\.1:\d+ - HIER_DIRECT\/127\.0\.0\.1/);
    assert.match(log, new RegExp(`TCP_DENIED/403 .* CONNECT localhost:${mtlsFront.port} -`));
  });

  test('tinyproxy with BasicAuth tunnels and logs the CONNECT; 407 without credentials, 401 with wrong ones', async () => {
    assert.equal(await getViaProxy(tinyproxy, `${front.url}/through-tinyproxy`, TINY_USER, { ca }), 'upstream saw GET /through-tinyproxy');
    await tinyproxy.waitForLog(new RegExp(`CONNECT localhost:${front.port} HTTP/1\\.1[\\s\\S]*Established connection to host "localhost"`));
    assert.equal(await connectStatus(tinyproxy, `localhost:${front.port}`), 407);
    // tinyproxy 1.11 answers wrong credentials with 401 + WWW-Authenticate, not 407.
    assert.equal(await connectStatus(tinyproxy, `localhost:${front.port}`, WRONG), 401);
  });

  test('the mTLS front refuses a client without a certificate and accepts the CA-signed one, also with the encrypted key', async () => {
    const url = `${mtlsFront.url}/mtls`;
    // nginx completes the handshake and answers 400 itself: the failure is an HTTP status, not a TLS alert.
    const bare = await httpsGet(url, { ca });
    assert.equal(bare.status, 400);
    assert.match(bare.body, /No required SSL certificate was sent/);
    const cert = fs.readFileSync(pki.client.cert);
    assert.deepEqual(await httpsGet(url, { ca, cert, key: fs.readFileSync(pki.client.key) }), { status: 200, body: 'upstream saw GET /mtls' });
    const encryptedKey = fs.readFileSync(pki.client.encryptedKey);
    assert.equal((await httpsGet(url, { ca, cert, key: encryptedKey, passphrase: pki.client.passphrase })).status, 200);
    await assert.rejects(httpsGet(url, { ca, cert, key: encryptedKey, passphrase: 'wrong' }), /bad decrypt/);
    assert.match(new X509Certificate(cert).subject, new RegExp(`CN=${CLIENT_COMMON_NAME}`));
  });

  test('mTLS through squid: undici sends the client certificate inside the tunnel', async () => {
    const requestTls = { ca, cert: fs.readFileSync(pki.client.cert, 'utf8'), key: fs.readFileSync(pki.client.encryptedKey, 'utf8'), passphrase: pki.client.passphrase };
    assert.equal(await getViaProxy(squid, `${mtlsFront.url}/mtls-via-squid`, USER, requestTls), 'upstream saw GET /mtls-via-squid');
    await squid.waitForLog(new RegExp(`TCP_TUNNEL/200 .* CONNECT localhost:${mtlsFront.port} ${USER.user} `));
  });

  test('HTTPS to squid: TLS to the proxy, then a tunnel to the TLS front', async (t) => {
    const secure = await startSquid({ auth: USER, tls: pki.server });
    t.after(() => secure.stop());
    assert.match(secure.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(await getViaProxy(secure, `${front.url}/https-proxy`, USER, { ca }, { ca }), 'upstream saw GET /https-proxy');
    await secure.waitForLog(new RegExp(`TCP_TUNNEL/200 .* CONNECT localhost:${front.port} ${USER.user} `));
  });

  test('a silent stream through squid is cut by the TLS front after readTimeoutSeconds', async (t) => {
    const upstreamPort = (upstream.address() as { port: number }).port;
    const short = await startTlsFront({ upstreamPort, mode: 'http', server: pki.server, readTimeoutSeconds: 1 });
    t.after(() => short.stop());
    const agent = new ProxyAgent({ uri: proxyUrl(squid, USER), requestTls: { ca } });
    t.after(() => agent.close());
    const res = await request(`${short.url}${SILENT_PATH}`, { dispatcher: agent });
    assert.equal(res.statusCode, 200);
    const t0 = performance.now();
    // undici.request reports the cut mid-body as a socket error (fetch wraps the same as TypeError 'terminated').
    await assert.rejects(res.body.text(), { code: 'UND_ERR_SOCKET', message: 'other side closed' });
    const cutAfterMs = performance.now() - t0;
    assert.ok(cutAfterMs > 900 && cutAfterMs < 1500, `cut after ${cutAfterMs.toFixed(0)} ms`);
  });

  test('the monitor through squid to a front that cuts silence: the forward proxy leads the hops, nginx is named, no credential shows', async (t) => {
    const upstreamPort = (upstream.address() as { port: number }).port;
    const short = await startTlsFront({ upstreamPort, mode: 'http', server: pki.server, readTimeoutSeconds: 1 });
    t.after(() => short.stop());
    const run = runMonitor([endpoint({
      name: 'via-squid', kind: 'sse', url: `${short.url}${SILENT_PATH}`, proxy: proxyUrl(squid, USER), tls: { caFile: pki.caFile },
      heartbeatSeconds: 0, idleTimeoutSeconds: 0, reconnect: { initialDelaySeconds: 0.1, maxDelaySeconds: 1, multiplier: 2, jitter: 0 },
    })]);
    t.after(() => run.stop());
    const diagnosis = await run.log.waitFor((e): e is DiagnosisEvent => e.event === 'diagnosis' && e.finding === 'intermediary-idle-timeout', 20_000);
    const proxyHop = diagnosis.hops?.[0];
    assert.equal(proxyHop?.name, `forward proxy http://127.0.0.1:${squid.port}`, JSON.stringify(diagnosis.hops));
    assert.match(proxyHop!.evidence, /^network route \(/);
    assert.equal(diagnosis.match, 'nginx', diagnosis.message);
    assert.ok(!JSON.stringify(run.log.events).includes(USER.password), 'the proxy password never appears');
  });

  test('Node refuses the expired, wrong-host and self-signed server certificates for their reasons', async (t) => {
    const upstreamPort = (upstream.address() as { port: number }).port;
    const fronts = await Promise.all(
      [pki.expiredServer, pki.wrongHostServer, pki.selfSignedServer].map((server) => startTlsFront({ upstreamPort, mode: 'http', server })),
    );
    t.after(() => Promise.all(fronts.map((f) => f.stop())));
    const [expired, wrongHost, selfSigned] = fronts;
    await assert.rejects(httpsGet(expired.url, { ca }), { code: 'CERT_HAS_EXPIRED' });
    await assert.rejects(httpsGet(wrongHost.url, { ca }), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    await assert.rejects(httpsGet(selfSigned.url, { ca }), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  test('the TLS front passes WebSocket upgrades and gRPC over h2', async (t) => {
    const [ws, health] = await Promise.all([startWsServer(), startGrpcHealthServer()]);
    t.after(() => Promise.all([ws.close(), health.close()]));
    const [wsFront, grpcFront] = await Promise.all([
      startTlsFront({ upstreamPort: ws.port, mode: 'websocket', server: pki.server }),
      startTlsFront({ upstreamPort: health.port, mode: 'grpc', server: pki.server }),
    ]);
    t.after(() => Promise.all([wsFront.stop(), grpcFront.stop()]));

    const socket = new WebSocket(`${wsFront.url.replace('https:', 'wss:')}${new URL(ws.url).pathname}`, { ca });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.close();

    const Client = grpc.makeGenericClientConstructor(healthService as grpc.ServiceDefinition, 'Health');
    const client = new Client(`localhost:${grpcFront.port}`, grpc.credentials.createSsl(Buffer.from(ca)));
    t.after(() => client.close());
    const reply = await new Promise<{ status: string }>((resolve, reject) =>
      (client as unknown as { check(req: object, cb: (e: Error | null, r: { status: string }) => void): void }).check({ service: '' }, (e, r) => (e ? reject(e) : resolve(r))),
    );
    assert.equal(reply.status, 'SERVING');
  });
});
