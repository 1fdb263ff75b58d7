// The catalogue of intermediaries (proxies, CDNs, load balancers, platforms): how each one names itself
// on the wire, its default idle timeouts and lifetime caps, how it ends a stream and the setting that
// changes it. Diagnosis, the fix snippets and the docs read this one table; adding one is one entry.
// Listed for people in docs/intermediaries.md (generated from this file by scripts/intermediaries-doc.ts).

import type { EndpointKind } from './config.ts';

/** The protocol families an intermediary times out differently (sse and mcp are both plain HTTP streams). */
export type ProtocolFamily = 'http' | 'websocket' | 'grpc';

export function protocolFamily(kind: EndpointKind): ProtocolFamily {
  return kind === 'websocket' ? 'websocket' : kind === 'grpc' ? 'grpc' : 'http';
}

/**
 * How a stream ended on the wire, as far as a transport can tell; the vocabulary a catalogue entry's
 * `ends` uses. `clean` is a valid end (terminal chunk, END_STREAM, a close frame 1000).
 */
export type CloseShape =
  | 'clean'
  | 'truncated'
  | 'reset'
  | 'rst-no-error'
  | 'rst-protocol-error'
  | 'rst-internal-error'
  | 'rst-cancel'
  | 'goaway'
  | 'ws-no-close-frame'
  | 'error-page';

export const CLOSE_SHAPES: readonly CloseShape[] = [
  'clean', 'truncated', 'reset', 'rst-no-error', 'rst-protocol-error', 'rst-internal-error', 'rst-cancel', 'goaway', 'ws-no-close-frame', 'error-page',
];

/** The HTTP/2 RST_STREAM error codes a shape names (RFC 9113 section 7). */
export function rstShape(code: number): CloseShape {
  return code === 0 ? 'rst-no-error' : code === 1 ? 'rst-protocol-error' : code === 2 ? 'rst-internal-error' : code === 8 ? 'rst-cancel' : 'reset';
}

/**
 * One way an intermediary identifies itself. `header` patterns run against one response header's
 * value; `body` against the first bytes of an error page; `grpcMessage` against a status message.
 * `label` is what the diagnosis quotes as evidence ("Server: Caddy", "cf-ray").
 */
export type Fingerprint =
  | { readonly header: string; readonly pattern?: RegExp; readonly label?: string }
  | { readonly body: RegExp; readonly label: string }
  | { readonly grpcMessage: RegExp; readonly label: string };

export interface LifetimeCap {
  readonly ms: number;
  /** What counts (in the product's terms), e.g. "route timeout (from request start)". */
  readonly what: string;
  /** Limited to one protocol family; all when absent. */
  readonly family?: ProtocolFamily;
}

export interface Intermediary {
  readonly name: string;
  /** Where it usually sits: edges (CDNs, cloud front doors) are outside reverse proxies, which are outside platforms' routers. */
  readonly tier: 'edge' | 'proxy' | 'platform';
  readonly fingerprints: readonly Fingerprint[];
  /** Documented default idle (between-reads) timeouts per protocol family; absent = none or unknown. */
  readonly idleMs: Partial<Record<ProtocolFamily, number>>;
  /** Values measured in the field that differ from the documented default (Cloudflare: 125 s). */
  readonly measuredIdleMs?: readonly number[];
  readonly lifetimeCaps?: readonly LifetimeCap[];
  /** How it ends a stream when its timer fires. */
  readonly ends: readonly CloseShape[];
  /** The setting that changes the idle limit, in that product's own terms. */
  readonly knob: string;
  /** The setting that changes its lifetime cap, when it has one. */
  readonly lifetimeKnob?: string;
  /**
   * How long it keeps idle connections to the server for reuse, and the setting: a server keep-alive
   * shorter than this makes requests on just-closed connections fail (keepalive-mismatch).
   */
  readonly upstreamKeepalive?: { readonly knob: string; readonly defaultMs?: number };
  readonly docs: string;
}

const s = (seconds: number) => seconds * 1000;
const all = (ms: number): Partial<Record<ProtocolFamily, number>> => ({ http: ms, websocket: ms, grpc: ms });

export const INTERMEDIARIES: readonly Intermediary[] = [
  {
    name: 'nginx', tier: 'proxy',
    fingerprints: [{ header: 'server', pattern: /^(nginx|openresty)\b/i }, { body: /<center>(nginx|openresty)[^<]*<\/center>/i, label: 'nginx error page' }],
    idleMs: all(s(60)), ends: ['truncated', 'rst-internal-error', 'rst-protocol-error', 'ws-no-close-frame', 'error-page'],
    knob: 'nginx proxy_read_timeout (grpc_read_timeout for grpc_pass)',
    upstreamKeepalive: { knob: 'keepalive_timeout in the upstream block (with keepalive N; idle upstream connections are reused only then)', defaultMs: s(60) },
    docs: 'https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_read_timeout',
  },
  {
    name: 'AWS ALB', tier: 'edge',
    fingerprints: [{ header: 'server', pattern: /^awselb\b/i }],
    idleMs: all(s(60)), ends: ['rst-protocol-error', 'error-page'],
    lifetimeCaps: [{ ms: s(3600), what: 'client_keep_alive.seconds (graceful, from connect)' }],
    knob: 'the ALB attribute idle_timeout.timeout_seconds', lifetimeKnob: 'the ALB attribute client_keep_alive.seconds',
    // AWS: the target's keep-alive timeout must be longer than the load balancer's idle timeout.
    upstreamKeepalive: { knob: 'the ALB attribute idle_timeout.timeout_seconds (the target keep-alive must be longer)', defaultMs: s(60) },
    docs: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html',
  },
  {
    name: 'Heroku', tier: 'platform',
    fingerprints: [{ header: 'via', pattern: /\b(vegur|heroku-router)\b/i }],
    idleMs: all(s(55)), ends: ['truncated', 'ws-no-close-frame', 'error-page'],
    knob: 'nothing (Heroku router 55 s is fixed): send data more often', docs: 'https://devcenter.heroku.com/articles/request-timeout',
  },
  {
    name: 'Cloudflare', tier: 'edge',
    fingerprints: [{ header: 'cf-ray' }, { header: 'server', pattern: /^cloudflare\b/i }, { body: /Ray ID/i, label: 'Cloudflare error page (Ray ID)' }],
    idleMs: all(s(100)), measuredIdleMs: [s(125)], ends: ['rst-internal-error', 'rst-protocol-error', 'truncated', 'ws-no-close-frame', 'error-page'],
    knob: 'Cloudflare proxy read timeout (Enterprise only); otherwise heartbeats', docs: 'https://developers.cloudflare.com/fundamentals/reference/connection-limits/',
  },
  {
    name: 'Traefik', tier: 'proxy',
    // Sends no identifying header by default: only timing (a cut at a fixed age) points at it.
    fingerprints: [],
    idleMs: {}, ends: ['reset', 'truncated', 'ws-no-close-frame'],
    lifetimeCaps: [{ ms: s(60), what: 'entryPoints respondingTimeouts.readTimeout (from request start)' }],
    knob: 'Traefik entryPoints transport.respondingTimeouts.readTimeout', lifetimeKnob: 'Traefik entryPoints transport.respondingTimeouts.readTimeout (0 turns it off)',
    docs: 'https://doc.traefik.io/traefik/routing/entrypoints/#respondingtimeouts',
  },
  {
    name: 'Azure Container Apps', tier: 'platform', fingerprints: [],
    idleMs: all(s(240)), ends: ['rst-no-error', 'truncated'],
    knob: 'nothing (the Container Apps ingress 240 s is fixed): send data more often', docs: 'https://learn.microsoft.com/azure/container-apps/ingress-overview',
  },
  {
    name: 'Envoy', tier: 'proxy',
    fingerprints: [
      { header: 'server', pattern: /^(istio-)?envoy\b/i }, { header: 'x-envoy-upstream-service-time' },
      { grpcMessage: /^(stream timeout|upstream request timeout)$/i, label: 'grpc-message' },
      { body: /^(stream timeout|upstream request timeout|upstream connect error or disconnect\/reset before headers)/i, label: 'Envoy error body' },
    ],
    idleMs: all(s(300)), ends: ['rst-no-error', 'truncated', 'error-page'],
    lifetimeCaps: [{ ms: s(15), what: 'route timeout (until the response is complete)' }],
    knob: 'Envoy stream_idle_timeout (HTTP connection manager) or the route idle_timeout', lifetimeKnob: 'the Envoy route timeout (0s for streaming routes) or max_stream_duration',
    docs: 'https://www.envoyproxy.io/docs/envoy/latest/faq/configuration/timeouts',
  },
  {
    name: 'AWS NLB', tier: 'edge', fingerprints: [],
    idleMs: all(s(350)), ends: ['reset'],
    knob: 'the NLB listener attribute tcp.idle_timeout.seconds', docs: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/update-idle-timeout.html',
  },
  {
    name: 'CloudFront', tier: 'edge',
    fingerprints: [{ header: 'x-amz-cf-id' }, { header: 'x-amz-cf-pop' }, { header: 'via', pattern: /\(CloudFront\)/i }, { body: /Generated by cloudfront/i, label: 'CloudFront error page' }],
    idleMs: { http: s(30), grpc: s(30), websocket: s(600) }, ends: ['truncated', 'error-page'],
    knob: 'the CloudFront origin setting OriginReadTimeout (response timeout, 1-120 s)',
    upstreamKeepalive: { knob: 'the CloudFront origin setting OriginKeepaliveTimeout (1-60 s)', defaultMs: s(5) },
    docs: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesOrigin.html',
  },
  {
    name: 'AWS API Gateway', tier: 'edge',
    fingerprints: [{ header: 'x-amz-apigw-id' }, { header: 'x-amzn-requestid' }],
    idleMs: { websocket: s(600) }, ends: ['ws-no-close-frame', 'error-page'],
    lifetimeCaps: [{ ms: s(29), what: 'integration timeout', family: 'http' }, { ms: s(7200), what: 'WebSocket connection duration', family: 'websocket' }],
    knob: 'nothing (API Gateway WebSocket idle 10 min is fixed): send data more often', lifetimeKnob: 'nothing: API Gateway limits are fixed; reconnect and resume',
    docs: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html',
  },
  {
    name: 'Azure Front Door', tier: 'edge',
    fingerprints: [{ header: 'x-azure-ref' }],
    idleMs: { http: s(30), grpc: s(30), websocket: s(300) }, ends: ['error-page', 'truncated'],
    lifetimeCaps: [{ ms: s(4 * 3600), what: 'WebSocket connection duration', family: 'websocket' }],
    knob: 'the Front Door origin response timeout (originResponseTimeoutSeconds, up to 240 s)', lifetimeKnob: 'nothing (Front Door WebSockets last at most 4 h): reconnect and resume', docs: 'https://learn.microsoft.com/azure/frontdoor/front-door-http-headers-protocol',
  },
  {
    name: 'Google Cloud load balancer', tier: 'edge',
    fingerprints: [{ header: 'via', pattern: /\bgoogle\b/i }, { header: 'server', pattern: /^Google Frontend\b/i }],
    idleMs: {}, ends: ['truncated', 'error-page'],
    lifetimeCaps: [{ ms: s(30), what: 'backend service timeout (whole response)' }, { ms: s(300), what: 'Cloud Run request timeout' }],
    knob: 'the backend service timeoutSec', lifetimeKnob: 'the backend service timeoutSec (Cloud Run: --timeout, up to 3600 s)',
    docs: 'https://cloud.google.com/load-balancing/docs/backend-service#timeout-setting',
  },
  {
    name: 'Fly.io', tier: 'platform',
    fingerprints: [{ header: 'fly-request-id' }, { header: 'via', pattern: /\bfly\.io\b/i }, { header: 'server', pattern: /^Fly\//i }],
    idleMs: all(s(60)), ends: ['reset'],
    knob: 'nothing (the Fly proxy idle 60 s is fixed): send data more often', docs: 'https://fly.io/docs/reference/services/',
  },
  {
    name: 'Railway', tier: 'platform',
    fingerprints: [{ header: 'x-railway-edge' }, { header: 'x-railway-request-id' }],
    idleMs: {}, ends: ['rst-cancel'],
    lifetimeCaps: [{ ms: s(900), what: 'maximum HTTP request duration' }],
    knob: 'nothing documented', lifetimeKnob: 'nothing (Railway caps an HTTP request at 15 min): reconnect and resume',
    docs: 'https://docs.railway.com/reference/public-networking',
  },
  {
    name: 'Render', tier: 'platform', fingerprints: [{ header: 'rndr-id' }],
    idleMs: {}, ends: [], knob: 'nothing documented (Render fronts services with Cloudflare)', docs: 'https://render.com/docs',
  },
  {
    name: 'Vercel', tier: 'platform',
    fingerprints: [{ header: 'x-vercel-id' }, { header: 'x-vercel-error' }, { header: 'server', pattern: /^Vercel\b/i }],
    idleMs: {}, ends: ['error-page'],
    lifetimeCaps: [{ ms: s(300), what: 'function maxDuration' }],
    knob: 'nothing documented', lifetimeKnob: 'the function maxDuration (vercel.json or the route config, up to 800 s on Pro)',
    docs: 'https://vercel.com/docs/functions/limitations',
  },
  {
    name: 'Kong', tier: 'proxy',
    fingerprints: [{ header: 'via', pattern: /\bkong\//i }, { header: 'x-kong-upstream-latency' }, { header: 'x-kong-proxy-latency' }, { header: 'x-kong-request-id' }],
    idleMs: all(s(60)), ends: ['truncated', 'rst-internal-error', 'error-page'],
    knob: 'the Kong service read_timeout (ms)', docs: 'https://developer.konghq.com/gateway/entities/service/',
  },
  {
    name: 'Akamai', tier: 'edge',
    fingerprints: [{ header: 'server', pattern: /^AkamaiGHost\b/i }, { header: 'x-akamai-request-id' }, { body: /Reference #\d/i, label: 'Akamai error page (Reference #)' }],
    idleMs: all(s(120)), ends: ['error-page', 'truncated'],
    knob: 'the Akamai property Read Timeout behavior', docs: 'https://techdocs.akamai.com/property-mgr/docs/read-timeout',
  },
  {
    name: 'Fastly', tier: 'edge',
    fingerprints: [{ header: 'x-served-by', pattern: /\bcache-/i }, { header: 'x-timer', pattern: /^S\d/ }, { header: 'fastly-debug-digest' }],
    // between_bytes_timeout ends the response as if it were complete: a clean end after a fixed silence.
    idleMs: { http: s(10), grpc: s(10) }, ends: ['clean', 'error-page'],
    knob: 'the Fastly backend between_bytes_timeout', docs: 'https://www.fastly.com/documentation/reference/vcl/variables/backend-connection/bereq-between-bytes-timeout/',
  },
  {
    name: 'Varnish', tier: 'proxy',
    fingerprints: [{ header: 'x-varnish' }, { header: 'via', pattern: /\bvarnish\b/i }],
    idleMs: all(s(60)), ends: ['truncated', 'ws-no-close-frame'],
    lifetimeCaps: [{ ms: s(600), what: 'send_timeout (whole HTTP/1 response)', family: 'http' }],
    knob: 'Varnish between_bytes_timeout (pipe_timeout for piped WebSockets)', lifetimeKnob: 'the Varnish parameter send_timeout',
    docs: 'https://varnish-cache.org/docs/trunk/reference/varnishd.html',
  },
  {
    name: 'Caddy', tier: 'proxy',
    fingerprints: [{ header: 'server', pattern: /^Caddy\b/i }],
    // No read or write timeout by default: only a configured one (or stream_timeout) cuts a stream.
    // Seen with Caddy 2.6.2: a read_timeout ends a streamed HTTP/1.1 response with its terminal chunk.
    idleMs: {}, ends: ['clean', 'ws-no-close-frame', 'reset'],
    knob: 'Caddy reverse_proxy transport http { read_timeout } (unset by default)', lifetimeKnob: 'Caddy reverse_proxy stream_timeout (unset by default)',
    docs: 'https://caddyserver.com/docs/caddyfile/directives/reverse_proxy',
  },
  {
    name: 'Apache httpd', tier: 'proxy',
    fingerprints: [{ header: 'server', pattern: /^Apache\b/i }],
    idleMs: { http: s(60), grpc: s(60) }, ends: ['truncated', 'error-page'],
    knob: 'Apache ProxyTimeout (or timeout= on ProxyPass; ProxyWebsocketIdleTimeout for WebSockets)', docs: 'https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxytimeout',
  },
  {
    name: 'Apache Traffic Server', tier: 'proxy',
    fingerprints: [{ header: 'via', pattern: /ApacheTrafficServer/i }, { header: 'server', pattern: /^ATS\//i }],
    idleMs: { http: s(30), grpc: s(30), websocket: s(600) }, ends: ['truncated'],
    lifetimeCaps: [{ ms: s(900), what: 'transaction_active_timeout_in', family: 'http' }, { ms: s(3600), what: 'websocket.active_timeout', family: 'websocket' }],
    knob: 'proxy.config.http.transaction_no_activity_timeout_in / _out', lifetimeKnob: 'proxy.config.http.transaction_active_timeout_in',
    docs: 'https://docs.trafficserver.apache.org/en/latest/admin-guide/files/records.yaml.en.html',
  },
  {
    name: 'squid', tier: 'proxy',
    fingerprints: [{ header: 'via', pattern: /\(squid\b/i }, { header: 'server', pattern: /^squid\b/i }],
    idleMs: { http: s(900), grpc: s(900) }, ends: ['truncated'],
    knob: 'squid read_timeout', docs: 'https://www.squid-cache.org/Doc/config/read_timeout/',
  },
  {
    name: 'HAProxy', tier: 'proxy',
    fingerprints: [
      { body: /The server didn't respond in time/i, label: 'HAProxy error page' },
      // Its 502 page: what a request on an upstream connection the server had just closed gets.
      { body: /The server returned an invalid or incomplete response/i, label: 'HAProxy 502 page' },
    ],
    idleMs: {}, ends: ['truncated', 'ws-no-close-frame', 'error-page'],
    knob: 'HAProxy timeout server / timeout tunnel (no default)',
    upstreamKeepalive: { knob: 'http-reuse in the backend (safe by default; never stops reusing idle server connections, at a connect per request)' }, docs: 'https://docs.haproxy.org/2.6/configuration.html#4-timeout%20server',
  },
];

/** Relative distance within which a measured limit "matches" a documented default. */
export const MATCH_TOLERANCE = 0.1;

export function byName(name: string): Intermediary | undefined {
  return INTERMEDIARIES.find((entry) => entry.name === name);
}

/** The idle limits an entry is known for in this family: documented default, then measured values. */
export function knownIdleMs(entry: Intermediary, family?: ProtocolFamily): number[] {
  const documented = family ? [entry.idleMs[family]] : Object.values(entry.idleMs);
  return [...new Set([...documented, ...(entry.measuredIdleMs ?? [])].filter((v): v is number => v !== undefined))];
}

export function lifetimeCapsFor(entry: Intermediary, family?: ProtocolFamily): LifetimeCap[] {
  return (entry.lifetimeCaps ?? []).filter((cap) => !family || !cap.family || cap.family === family);
}

const within = (value: number, estimateMs: number) => Math.abs(value - estimateMs) <= MATCH_TOLERANCE * estimateMs;

/** The entry's known idle limit closest to the estimate when within 10 %, else undefined. */
export function idleFit(entry: Intermediary, estimateMs: number, family?: ProtocolFamily): number | undefined {
  return knownIdleMs(entry, family).filter((v) => within(v, estimateMs)).sort((a, b) => Math.abs(a - estimateMs) - Math.abs(b - estimateMs))[0];
}

export function lifetimeFit(entry: Intermediary, estimateMs: number, family?: ProtocolFamily): LifetimeCap | undefined {
  return lifetimeCapsFor(entry, family).find((cap) => within(cap.ms, estimateMs));
}

/**
 * Intermediaries whose documented default idle timeout is within 10 % of `estimateMs`, closest first
 * (table order on ties). The fallback when nothing on the wire named a hop.
 */
export function matchIntermediaries(estimateMs: number, family?: ProtocolFamily): Intermediary[] {
  return INTERMEDIARIES.map((entry, index) => {
    const documented = family ? [entry.idleMs[family]] : Object.values(entry.idleMs);
    const values = documented.filter((v): v is number => v !== undefined && within(v, estimateMs));
    return { entry, index, distance: values.length ? Math.min(...values.map((v) => Math.abs(v - estimateMs))) : Infinity };
  })
    .filter((c) => c.distance !== Infinity)
    .sort((a, b) => a.distance - b.distance || a.index - b.index)
    .map((c) => c.entry);
}

/** Intermediaries whose lifetime cap is within 10 % of `estimateMs`, closest first. */
export function matchLifetimeCaps(estimateMs: number, family?: ProtocolFamily): Array<{ entry: Intermediary; cap: LifetimeCap }> {
  return INTERMEDIARIES.flatMap((entry, index) => lifetimeCapsFor(entry, family).filter((cap) => within(cap.ms, estimateMs)).map((cap) => ({ entry, cap, index })))
    .sort((a, b) => Math.abs(a.cap.ms - estimateMs) - Math.abs(b.cap.ms - estimateMs) || a.index - b.index)
    .map(({ entry, cap }) => ({ entry, cap }));
}
