// Intermediary-side fixes: raise the idle (or lifetime) limit of the proxy or load balancer on the
// path, for the products a finding can match (src/core/intermediaries.ts). Products without a config
// snippet of their own get the catalogue's setting and docs link.

import type { EndpointKind } from '../../core/config.ts';
import { byName, knownIdleMs } from '../../core/intermediaries.ts';
import type { Intermediary } from '../../core/intermediaries.ts';
import { locationPath, type FixValues, type Snippet } from './snippet.ts';

/** nginx names its two timeouts after the module: grpc_* for grpc_pass, proxy_* for proxy_pass. */
export function nginxSnippet(kind: EndpointKind, path: string, timeoutSeconds: number): Snippet {
  const grpc = kind === 'grpc';
  const prefix = grpc ? 'grpc' : 'proxy';
  let pass: string;
  if (grpc) pass = '    grpc_pass grpc://backend;\n';
  else if (kind === 'websocket') pass = '    proxy_pass http://backend;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection "upgrade";\n';
  else pass = '    proxy_pass http://backend;\n    proxy_http_version 1.1;\n    proxy_buffering off;   # deliver events as they arrive\n    proxy_set_header Connection "";\n';
  return {
    id: 'nginx',
    side: 'intermediary',
    title: `nginx: ${prefix}_read_timeout`,
    language: 'nginx',
    note: grpc
      ? 'nginx cuts a gRPC stream after grpc_read_timeout (default 60 s) without a message from the server.'
      : 'nginx cuts a proxied stream after proxy_read_timeout (default 60 s) without data from the server.',
    brief: `nginx: ${prefix}_read_timeout ${timeoutSeconds}s; ${prefix}_send_timeout ${timeoutSeconds}s;`,
    code: `location ${path} {\n${pass}    ${prefix}_read_timeout ${timeoutSeconds}s;\n    ${prefix}_send_timeout ${timeoutSeconds}s;\n}\n`,
  };
}

export function haproxySnippet(kind: EndpointKind, timeoutSeconds: number): Snippet {
  const tunnelNote = kind === 'websocket'
    ? 'Once a WebSocket is upgraded, HAProxy applies timeout tunnel instead of client/server.'
    : 'A streamed HTTP response is cut after timeout server without data; timeout tunnel covers upgraded connections (WebSocket).';
  return {
    id: 'haproxy',
    side: 'intermediary',
    title: 'HAProxy: timeout tunnel / timeout server',
    language: 'haproxy',
    note: tunnelNote,
    brief: `HAProxy: timeout client ${timeoutSeconds}s, timeout server ${timeoutSeconds}s, timeout tunnel ${timeoutSeconds}s`,
    code: `defaults
    mode http
    timeout connect 5s
    timeout client  ${timeoutSeconds}s
    timeout server  ${timeoutSeconds}s
    timeout tunnel  ${timeoutSeconds}s
`,
  };
}

export function envoySnippet(timeoutSeconds: number, lifetimeCap: boolean): Snippet {
  return {
    id: 'envoy',
    side: 'intermediary',
    title: 'Envoy: stream_idle_timeout',
    language: 'yaml',
    note: lifetimeCap
      ? 'A route timeout caps the whole stream lifetime (default 15 s for the response); 0s disables it for streaming routes.'
      : 'Envoy resets a stream after stream_idle_timeout (default 300 s) without data in either direction.',
    brief: lifetimeCap
      ? `Envoy: route timeout: 0s (no cap on the stream's lifetime), idle_timeout: ${timeoutSeconds}s`
      : `Envoy: stream_idle_timeout: ${timeoutSeconds}s, route idle_timeout: ${timeoutSeconds}s`,
    code: `# HTTP connection manager
stream_idle_timeout: ${timeoutSeconds}s
route_config:
  virtual_hosts:
  - name: streams
    domains: ["*"]
    routes:
    - match: { prefix: "/" }
      route:
        cluster: backend
        timeout: 0s              # no cap on the stream's lifetime
        idle_timeout: ${timeoutSeconds}s
`,
  };
}

export function cloudflareNote(heartbeatSeconds: number): Snippet {
  const entry = byName('Cloudflare')!;
  const [documented, measured] = knownIdleMs(entry, 'http').map((ms) => ms / 1000);
  return {
    id: 'cloudflare',
    side: 'intermediary',
    title: `Cloudflare: ${documented} s without data`,
    language: 'text',
    brief: `Cloudflare: ${documented} s without data is fixed (Enterprise aside): keep server heartbeats every ${heartbeatSeconds} s, or use a DNS-only hostname`,
    code: `Cloudflare closes a proxied HTTP response after ${documented} s without data (error 524 if nothing was sent yet;
cuts have been measured at ${measured} s). Only Enterprise plans can raise the proxy read timeout. Everyone
else: keep server heartbeats well under ${documented} s (every ${heartbeatSeconds} s) or serve the stream from a
DNS-only (grey cloud) hostname. ${entry.docs}
`,
  };
}

/** The catalogue's own words for a product without a config snippet here (Caddy, Varnish, Fly.io...). */
export function catalogueSnippet(entry: Intermediary, lifetime = false): Snippet {
  const setting = lifetime ? entry.lifetimeKnob ?? entry.knob : entry.knob;
  // Most settings already start with the product's name ("Caddy reverse_proxy ...").
  const line = setting.startsWith(entry.name) ? setting : `${entry.name}: ${setting}`;
  return {
    id: catalogueId(entry.name),
    side: 'intermediary',
    title: line,
    language: 'text',
    brief: line,
    code: `${line}\nDocs: ${entry.docs}\n`,
  };
}

const catalogueId = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');

export function awsAlbSnippet(timeoutSeconds: number): Snippet {
  return {
    id: 'aws-alb',
    side: 'intermediary',
    title: 'AWS ALB: idle_timeout.timeout_seconds',
    language: 'shell',
    note: 'An Application Load Balancer closes connections idle for 60 s by default (1 to 4000 s).',
    brief: `AWS ALB: load balancer attribute idle_timeout.timeout_seconds=${timeoutSeconds}`,
    code: `aws elbv2 modify-load-balancer-attributes \\
  --load-balancer-arn <your-alb-arn> \\
  --attributes Key=idle_timeout.timeout_seconds,Value=${timeoutSeconds}
`,
  };
}

/** Words in a finding's `match` (e.g. "nginx", "AWS ALB") -> the snippet for that product. */
const MATCH_KEYS: readonly (readonly [string, string])[] = [
  ['nginx', 'nginx'],
  ['haproxy', 'haproxy'],
  ['envoy', 'envoy'],
  ['cloudflare', 'cloudflare'],
  ['aws alb', 'aws-alb'],
];

/** Ids of the snippets for the products a finding's `match` names (a catalogue entry without a snippet of its own included). */
export function matchedSnippetIds(match: string | undefined): Set<string> {
  const m = (match ?? '').toLowerCase();
  const ids = new Set(MATCH_KEYS.filter(([word]) => m.includes(word)).map(([, id]) => id));
  const entry = match ? byName(match) : undefined;
  if (ids.size === 0 && entry) ids.add(catalogueId(entry.name));
  return ids;
}

/** The catalogue snippet for a matched product that has no config snippet here, if any. */
export function matchedCatalogueSnippet(match: string | undefined, lifetime = false): Snippet | undefined {
  const entry = match ? byName(match) : undefined;
  if (!entry || MATCH_KEYS.some(([word]) => entry.name.toLowerCase().includes(word))) return undefined;
  return catalogueSnippet(entry, lifetime);
}

/** Intermediary snippets with the matched product first, so the likely culprit leads. */
export function intermediarySnippets(kind: EndpointKind, url: string, values: FixValues, match: string | undefined): Snippet[] {
  const list = [
    nginxSnippet(kind, locationPath(url), values.proxyTimeoutSeconds),
    haproxySnippet(kind, values.proxyTimeoutSeconds),
    envoySnippet(values.proxyTimeoutSeconds, false),
    cloudflareNote(values.heartbeatSeconds),
    awsAlbSnippet(values.proxyTimeoutSeconds),
  ];
  const catalogue = matchedCatalogueSnippet(match);
  if (catalogue) list.unshift(catalogue);
  const matched = matchedSnippetIds(match);
  return [...list.filter((s) => matched.has(s.id)), ...list.filter((s) => !matched.has(s.id))];
}
