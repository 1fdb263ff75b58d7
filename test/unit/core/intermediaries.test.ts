// The intermediary catalogue and hop naming: every fingerprint against a recorded response, hop order
// (outermost first), bounds, and that nothing but catalogue labels and Server/Via values is kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HOP_LIMITS, HopCollector } from '../../../src/core/hops.ts';
import type { WireEvidence } from '../../../src/core/hops.ts';
import { byName, idleFit, INTERMEDIARIES, knownIdleMs, lifetimeCapsFor, matchLifetimeCaps, rstShape } from '../../../src/core/intermediaries.ts';

/**
 * One recorded answer per fingerprinted intermediary: headers seen on the wire (Caddy, Apache, Varnish
 * and squid through the Debian packages on loopback; the others as the research quotes them).
 * A new catalogue entry needs one here.
 */
const RECORDED: Record<string, WireEvidence> = {
  'nginx': { headers: { server: 'nginx/1.22.1', 'content-type': 'text/event-stream' } },
  'AWS ALB': { headers: { server: 'awselb/2.0', 'content-type': 'text/html' } },
  'Heroku': { headers: { via: '1.1 vegur', server: 'Cowboy' } },
  'Cloudflare': { headers: { server: 'cloudflare', 'cf-ray': '8f1c2a3b4c5d6e7f-FRA', 'cf-cache-status': 'DYNAMIC' } },
  'Envoy': { headers: { server: 'envoy', 'x-envoy-upstream-service-time': '3' } },
  'CloudFront': { headers: { 'x-amz-cf-id': 'abcDEF123==', 'x-amz-cf-pop': 'FRA56-P1', via: '1.1 0123abcd.cloudfront.net (CloudFront)', 'x-cache': 'Miss from cloudfront' } },
  'AWS API Gateway': { headers: { 'x-amz-apigw-id': 'Ab1CdEfGhIjKlM=', 'x-amzn-requestid': '1f2e3d4c' } },
  'Azure Front Door': { headers: { 'x-azure-ref': '20261201T101010Z-abc', 'x-cache': 'TCP_MISS' } },
  'Google Cloud load balancer': { headers: { via: '1.1 google', server: 'Google Frontend' } },
  'Fly.io': { headers: { 'fly-request-id': '01HZX-fra', via: '2 fly.io', server: 'Fly/8e0b1c (2026-11-01)' } },
  'Railway': { headers: { 'x-railway-edge': 'railway/europe-west4', 'x-railway-request-id': 'a1b2c3' } },
  'Render': { headers: { 'rndr-id': '3f4e5d6c-7b8a', server: 'cloudflare', 'cf-ray': '8f1c-AMS' } },
  'Vercel': { headers: { server: 'Vercel', 'x-vercel-id': 'fra1::iad1::abcd-1700000000000-0123' } },
  'Kong': { headers: { via: 'kong/3.6.1', 'x-kong-upstream-latency': '12', 'x-kong-proxy-latency': '1' } },
  'Akamai': { headers: { server: 'AkamaiGHost', 'content-type': 'text/html' } },
  'Fastly': { headers: { 'x-served-by': 'cache-fra-eddf8230021-FRA', 'x-cache': 'MISS', 'x-timer': 'S1700000000.000000,VS0,VE12', via: '1.1 varnish' } },
  'Varnish': { headers: { via: '1.1 varnish (Varnish/7.1)', 'x-varnish': '32770', age: '0' } },
  'Caddy': { headers: { server: 'Caddy', 'content-type': 'text/event-stream' } },
  'Apache httpd': { headers: { server: 'Apache/2.4.71 (Debian)', 'content-type': 'text/event-stream' } },
  'Apache Traffic Server': { headers: { via: 'http/1.1 ats.example (ApacheTrafficServer/9.2.3 [cMsSf ])', server: 'ATS/9.2.3' } },
  'squid': { headers: { via: '1.1 proxyhost (squid/5.7)', 'x-cache': 'MISS from proxyhost' } },
  'HAProxy': { body: "<html><body><h1>504 Gateway Time-out</h1>\nThe server didn't respond in time.\n</body></html>" },
};

function hopsOf(...evidence: WireEvidence[]) {
  const collector = new HopCollector();
  for (const e of evidence) collector.add(e);
  return collector.hops();
}

test('every fingerprinted catalogue entry is named from its recorded response', () => {
  for (const entry of INTERMEDIARIES.filter((e) => e.fingerprints.length > 0)) {
    const recorded = RECORDED[entry.name];
    assert.ok(recorded, `${entry.name} has fingerprints but no recorded response in this test`);
    const names = hopsOf(recorded).map((h) => h.name);
    assert.ok(names.includes(entry.name), `${entry.name} not named from ${JSON.stringify(recorded)}: got ${JSON.stringify(names)}`);
  }
});

test('every fingerprint matches something, and an origin that names nobody gives no hop', () => {
  for (const entry of INTERMEDIARIES) {
    for (const fingerprint of entry.fingerprints) {
      if ('header' in fingerprint && fingerprint.pattern) assert.ok(!fingerprint.pattern.global, `${entry.name}: a global regex keeps state between tests`);
    }
  }
  assert.deepEqual(hopsOf({ headers: { 'content-type': 'text/event-stream', 'x-powered-by': 'Express' } }), []);
});

test('the evidence quotes the identifying header: Server and Via values, vendor headers by name', () => {
  assert.deepEqual(hopsOf(RECORDED.Caddy!), [{ name: 'Caddy', evidence: 'Server: Caddy' }]);
  assert.deepEqual(hopsOf(RECORDED['Apache httpd']!), [{ name: 'Apache httpd', evidence: 'Server: Apache/2.4.71 (Debian)' }]);
  assert.deepEqual(hopsOf({ headers: { 'cf-ray': '8f1c2a3b-FRA' } }), [{ name: 'Cloudflare', evidence: 'cf-ray' }]);
});

test('hops come outermost first: the edge, then Via from the client side in, then the Server hop', () => {
  // Cloudflare in front of Envoy (the gitlab-mcp path): Cloudflare rewrites Server, Envoy adds its timing header.
  assert.deepEqual(hopsOf({ headers: { server: 'cloudflare', 'cf-ray': '8f1c-FRA', 'x-envoy-upstream-service-time': '5' } }), [
    { name: 'Cloudflare', evidence: 'cf-ray' },
    { name: 'Envoy', evidence: 'x-envoy-upstream-service-time' },
  ]);
  // Varnish in front of nginx: nginx's Server passes through, Varnish adds Via.
  assert.deepEqual(hopsOf({ headers: { server: 'nginx/1.22.1', via: '1.1 varnish (Varnish/7.1)', 'x-varnish': '5' } }).map((h) => h.name), ['Varnish', 'nginx']);
  // Each hop appends to Via: the last entry is nearest the client.
  assert.deepEqual(hopsOf({ headers: { via: '1.1 varnish (Varnish/7.1), 1.1 proxyhost (squid/5.7)' } }).map((h) => h.name), ['squid', 'Varnish']);
});

test('an unknown Via entry is still a hop on the path; the forward proxy leads, without credentials', () => {
  const collector = new HopCollector();
  collector.add({ headers: { via: '1.1 corp-gw' } });
  const hops = collector.hops({ mode: 'proxy', url: 'http://user:hunter2@proxy.corp:3128', source: 'environment (HTTPS_PROXY)', strictSSL: true });
  assert.deepEqual(hops, [
    { name: 'forward proxy http://proxy.corp:3128', evidence: 'network route (environment (HTTPS_PROXY))' },
    { name: 'Via 1.1 corp-gw', evidence: 'Via: 1.1 corp-gw' },
  ]);
  assert.ok(!JSON.stringify(hops).includes('hunter2'));
});

test('only identifying headers are read: cookies, auth and other values never reach a hop', () => {
  const hops = hopsOf({ headers: { 'set-cookie': 'session=SECRET-COOKIE', authorization: 'Bearer SECRET-TOKEN', 'www-authenticate': 'Bearer realm="SECRET-REALM"', server: 'Caddy' } });
  assert.ok(!/SECRET/.test(JSON.stringify(hops)));
  assert.deepEqual(hops.map((h) => h.name), ['Caddy']);
});

test('error pages and gRPC status messages name the hop; the body itself is never kept', () => {
  assert.deepEqual(hopsOf({ body: '<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>' }), [{ name: 'nginx', evidence: 'nginx error page' }]);
  assert.deepEqual(hopsOf({ body: 'upstream request timeout' }), [{ name: 'Envoy', evidence: 'Envoy error body' }]);
  assert.deepEqual(hopsOf({ grpcMessage: 'stream timeout' }), [{ name: 'Envoy', evidence: 'grpc-message: stream timeout' }]);
  assert.deepEqual(hopsOf({ body: '<title>Gateway Timeout</title> Error 524 ... Cloudflare Ray ID: 8f1c2a3b4c5d</p>' }).map((h) => h.name), ['Cloudflare']);
  assert.deepEqual(hopsOf({ body: 'ERROR: The request could not be satisfied. Generated by cloudfront (CloudFront)' }).map((h) => h.name), ['CloudFront']);
  assert.deepEqual(hopsOf({ body: 'Gateway Timeout - In read. Reference #30.abc.1700000000.123' }).map((h) => h.name), ['Akamai']);
  // Any other status text (a server's own message) names nobody.
  assert.deepEqual(hopsOf({ grpcMessage: 'user alice not found' }), []);
  assert.ok(!JSON.stringify(hopsOf({ body: '<center>nginx</center> token=SECRET' })).includes('SECRET'));
});

test('hops are bounded in number and length', () => {
  const via = Array.from({ length: 30 }, (_, i) => `1.1 hop-${i}-${'x'.repeat(200)}`).join(', ');
  const hops = hopsOf({ headers: { via } });
  assert.ok(hops.length <= HOP_LIMITS.hops);
  for (const hop of hops) assert.ok(hop.evidence.length <= HOP_LIMITS.valueChars + 5);
});

test('corrected facts: Traefik readTimeout is a 60 s lifetime cap, Cloudflare measured at 125 s', () => {
  const traefik = byName('Traefik')!;
  assert.deepEqual(knownIdleMs(traefik), []);
  assert.equal(lifetimeCapsFor(traefik)[0]!.ms, 60_000);
  const cloudflare = byName('Cloudflare')!;
  assert.deepEqual(knownIdleMs(cloudflare, 'http'), [100_000, 125_000]);
  assert.equal(idleFit(cloudflare, 124_000, 'http'), 125_000);
  assert.deepEqual(matchLifetimeCaps(15_000).map((c) => c.entry.name), ['Envoy']);
  assert.deepEqual(matchLifetimeCaps(7_000_000, 'websocket').map((c) => c.entry.name), ['AWS API Gateway']);
});

test('every entry says how to change its limit and where it is documented', () => {
  for (const entry of INTERMEDIARIES) {
    assert.ok(entry.knob.length > 5, entry.name);
    assert.match(entry.docs, /^https:\/\//, entry.name);
    if (entry.lifetimeCaps?.length) assert.ok(entry.lifetimeKnob, `${entry.name} has a lifetime cap but no lifetimeKnob`);
  }
  assert.equal(new Set(INTERMEDIARIES.map((e) => e.name)).size, INTERMEDIARIES.length);
});

test('RST_STREAM codes map to close shapes', () => {
  assert.deepEqual([0, 1, 2, 8, 7].map(rstShape), ['rst-no-error', 'rst-protocol-error', 'rst-internal-error', 'rst-cancel', 'reset']);
});

test('docs/intermediaries.md is generated from the catalogue and current', async () => {
  const { catalogueMarkdown, DOC_PATH } = await import('../../../scripts/intermediaries-doc.ts');
  const fs = await import('node:fs');
  assert.equal(fs.readFileSync(DOC_PATH, 'utf8'), catalogueMarkdown(), 'run: node scripts/intermediaries-doc.ts');
});
