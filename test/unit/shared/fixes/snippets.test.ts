// Fix snippets: the right ones per finding and endpoint kind, with values from the finding.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../../../src/core/model.ts';
import { fixLines, fixValues, locationPath, matchedSnippetIds, msLiteral, snippetsFor, type SnippetEndpoint } from '../../../../src/shared/fixes/index.ts';
import { idleFinding } from '../../webview/fixtures.ts';

const sse: SnippetEndpoint = { name: 'feed', kind: 'sse', url: 'https://api.example.com/v1/events?token=***', heartbeatSeconds: 15, idleTimeoutSeconds: 45 };

test('takes the heartbeat from the finding and derives a proxy timeout of at least 5 minutes', () => {
  assert.deepEqual(fixValues(idleFinding, sse), { heartbeatSeconds: 20, proxyTimeoutSeconds: 300 });
  const { recommendedHeartbeatMs: _, ...noRecommendation } = idleFinding;
  assert.deepEqual(fixValues({ ...noRecommendation, estimateMs: 100_000 }, sse), { heartbeatSeconds: 33, proxyTimeoutSeconds: 300 });
  assert.deepEqual(fixValues({ ...idleFinding, recommendedHeartbeatMs: 100_000 }, sse), { heartbeatSeconds: 100, proxyTimeoutSeconds: 400 });
  const flapping: Finding = { finding: 'flapping', message: 'm', fix: 'f', evidence: 9 };
  assert.equal(fixValues(flapping, { ...sse, heartbeatSeconds: 0 }).heartbeatSeconds, 15);
});

test('sub-second recommendations (short test proxies) stay sub-second in every snippet', () => {
  const short = { ...idleFinding, estimateMs: 2000, recommendedHeartbeatMs: 600, match: undefined };
  assert.deepEqual(fixValues(short, sse), { heartbeatSeconds: 0.6, proxyTimeoutSeconds: 300 });
  const list = snippetsFor(short, sse);
  assert.match(list[0]!.code, /sseHeartbeat\(res, \{ intervalMs: 600 \}\)/);
  assert.match(list[0]!.note!, /every 0\.6 s\./);
  const client = list.at(-1)!;
  assert.deepEqual(JSON.parse(client.code), { name: 'feed', heartbeatSeconds: 0.6, idleTimeoutSeconds: 1.8 });
  assert.match(client.note!, /after 1\.8 s without data/);
  assert.equal(fixValues({ ...short, recommendedHeartbeatMs: 40 }, sse).heartbeatSeconds, 0.1);
  assert.equal(msLiteral(20_000), '20_000');
  assert.equal(msLiteral(1500), '1500');
});

test('an SSE idle-timeout finding gets an SSE comment heartbeat, nginx first when nginx matched', () => {
  const list = snippetsFor(idleFinding, sse);
  assert.deepEqual(list.map((s) => s.id), ['server-sse', 'nginx', 'haproxy', 'envoy', 'cloudflare', 'aws-alb', 'client-settings']);
  const server = list[0]!;
  assert.equal(server.language, 'typescript');
  assert.match(server.code, /sseHeartbeat\(res, \{ intervalMs: 20_000 \}\)/);
  assert.match(server.code, /'Content-Type': 'text\/event-stream'/);
  const nginx = list[1]!;
  assert.match(nginx.code, /^location \/v1\/events \{/);
  assert.match(nginx.code, /proxy_read_timeout 300s;/);
  assert.match(nginx.code, /proxy_buffering off;/);
  const client = JSON.parse(list.at(-1)!.code) as Record<string, unknown>;
  assert.deepEqual(client, { name: 'feed', heartbeatSeconds: 20, idleTimeoutSeconds: 60 });
});

test('gRPC gets a no-op message and grpc_read_timeout; WebSocket gets ping/terminate and timeout tunnel', () => {
  const grpc = snippetsFor(idleFinding, { ...sse, kind: 'grpc', url: 'grpc://127.0.0.1:50051' });
  assert.equal(grpc[0]!.id, 'server-grpc');
  assert.match(grpc[0]!.code, /grpcKeepalive\(call, \{ intervalMs: 20_000, message: \(\) => \(\{ status: 1 /);
  assert.match(grpc.find((s) => s.id === 'nginx')!.code, /grpc_read_timeout 300s;/);
  const ws = snippetsFor(idleFinding, { ...sse, kind: 'websocket', url: 'ws://127.0.0.1:9000/socket' });
  assert.equal(ws[0]!.id, 'server-websocket');
  assert.match(ws[0]!.code, /wsHeartbeat\(wss, \{ intervalMs: 20_000 \}\)/);
  assert.match(ws[0]!.note!, /terminated/);
  assert.match(ws.find((s) => s.id === 'nginx')!.code, /proxy_set_header Upgrade \$http_upgrade;/);
  assert.match(ws.find((s) => s.id === 'haproxy')!.code, /timeout tunnel {2}300s/);
  assert.match(ws.find((s) => s.id === 'haproxy')!.note!, /timeout tunnel/);
});

test('MCP endpoints are told about the SDK keepalive option', () => {
  const mcp = snippetsFor(idleFinding, { ...sse, kind: 'mcp' });
  assert.match(mcp[0]!.note!, /keepAliveMs/);
});

test('the matched intermediary leads, whatever the match text looks like', () => {
  assert.deepEqual([...matchedSnippetIds('AWS ALB')], ['aws-alb']);
  assert.deepEqual([...matchedSnippetIds('nginx, AWS ALB')], ['nginx', 'aws-alb']);
  const list = snippetsFor({ ...idleFinding, estimateMs: 100_000, match: 'Cloudflare' }, sse);
  assert.equal(list[1]!.id, 'cloudflare');
  assert.match(list[1]!.code, /every 20 s/);
  const alb = snippetsFor({ ...idleFinding, match: 'AWS ALB' }, sse);
  assert.equal(alb[1]!.id, 'aws-alb');
  assert.match(alb[1]!.code, /Value=300/);
});

test('other findings get the snippets that fit them', () => {
  const base = { message: 'm', fix: 'f', evidence: 3 };
  assert.deepEqual(snippetsFor({ ...base, finding: 'no-server-heartbeat' }, sse).map((s) => s.id), ['server-sse', 'client-settings']);
  assert.deepEqual(snippetsFor({ ...base, finding: 'silent-dead-connection' }, sse).map((s) => s.id), ['client-settings', 'server-sse']);
  const lifetime = snippetsFor({ ...base, finding: 'stream-lifetime-limit', estimateMs: 30_000 }, sse);
  assert.equal(lifetime[0]!.id, 'envoy');
  assert.match(lifetime[0]!.code, /timeout: 0s/);
  const flapping = snippetsFor({ ...base, finding: 'flapping' }, sse);
  assert.deepEqual(JSON.parse(flapping[0]!.code).reconnect, { initialDelaySeconds: 2, maxDelaySeconds: 60 });
  assert.equal(snippetsFor({ ...base, finding: 'gateway-timeout' }, sse)[1]!.id, 'nginx');
});

test('only a plain URL path goes into a proxy location', () => {
  assert.equal(locationPath('https://h/mcp'), '/mcp');
  assert.equal(locationPath('https://h/a b/{x}'), '/');
  assert.equal(locationPath('not a url'), '/');
});

test('endpoint names are JSON-escaped in the client snippet', () => {
  const list = snippetsFor(idleFinding, { ...sse, name: 'a"b\n}' });
  assert.equal(JSON.parse(list.at(-1)!.code).name, 'a"b\n}');
});

test('terminal fix lines: the server call, the matched product only, and the client settings', () => {
  assert.deepEqual(fixLines(idleFinding, sse), [
    'server: sseHeartbeat(res, { intervalMs: 20_000 }) on the open event-stream response (src/serverKeepalive)',
    'nginx: proxy_read_timeout 300s; proxy_send_timeout 300s;',
    'client: "heartbeatSeconds": 20, "idleTimeoutSeconds": 60',
  ]);
  const unmatched = fixLines({ ...idleFinding, match: undefined }, { ...sse, kind: 'grpc', url: 'grpc://h:1' });
  assert.equal(unmatched.length, 7, 'no match: every intermediary, since any may be the one');
  assert.match(unmatched[0]!, /^server: grpcKeepalive\(call, \{ intervalMs: 20_000,/);
  assert.match(unmatched[1]!, /^nginx: grpc_read_timeout 300s;/);
  const flapping = fixLines({ finding: 'flapping', message: 'm', fix: 'f', evidence: 9 }, sse);
  assert.deepEqual(flapping, ['client: "heartbeatSeconds": 15, "idleTimeoutSeconds": 45, "reconnect": {"initialDelaySeconds":2,"maxDelaySeconds":60}']);
});

test('a product without a config snippet of its own gets the catalogue setting and docs link, first', () => {
  const caddy = snippetsFor({ ...idleFinding, match: 'Caddy', hops: [{ name: 'Caddy', evidence: 'Server: Caddy' }] }, sse);
  assert.equal(caddy[1]!.id, 'caddy');
  assert.match(caddy[1]!.code, /read_timeout.*\nDocs: https:\/\/caddyserver\.com\//s);
  assert.deepEqual(fixLines({ ...idleFinding, match: 'Caddy' }, sse).filter((l) => l.startsWith('Caddy')).length, 1);
  const lifetime = snippetsFor({ finding: 'stream-lifetime-limit', message: 'm', fix: 'f', evidence: 3, estimateMs: 3000, match: 'Varnish' }, sse);
  assert.equal(lifetime[0]!.brief, 'Varnish: the Varnish parameter send_timeout');
  assert.match(snippetsFor(idleFinding, sse).find((s) => s.id === 'cloudflare')!.code, /measured at 125 s/);
});
