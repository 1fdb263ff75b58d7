// Documented default idle timeouts of common L7 intermediaries, and the knob that changes each one.
// Diagnosis matches a measured silence limit against this table.

export interface Intermediary {
  readonly name: string;
  readonly idleTimeoutMs: number;
  /** The setting that changes the timeout, in that product's own terms. */
  readonly knob: string;
}

export const INTERMEDIARIES: readonly Intermediary[] = [
  { name: 'nginx', idleTimeoutMs: 60_000, knob: 'nginx proxy_read_timeout (grpc_read_timeout for grpc_pass)' },
  { name: 'AWS ALB', idleTimeoutMs: 60_000, knob: 'the ALB attribute idle_timeout.timeout_seconds' },
  { name: 'Heroku', idleTimeoutMs: 55_000, knob: 'nothing (Heroku router 55 s is fixed): send data more often' },
  { name: 'Cloudflare', idleTimeoutMs: 100_000, knob: 'Cloudflare proxy read timeout (Enterprise only); otherwise heartbeats' },
  { name: 'Traefik', idleTimeoutMs: 180_000, knob: 'Traefik entryPoints transport.respondingTimeouts.idleTimeout' },
  { name: 'Azure Container Apps', idleTimeoutMs: 240_000, knob: 'nothing (the Container Apps ingress 240 s is fixed): send data more often' },
  { name: 'Envoy', idleTimeoutMs: 300_000, knob: 'Envoy stream_idle_timeout (HTTP connection manager) or the route idle_timeout' },
  { name: 'AWS NLB', idleTimeoutMs: 350_000, knob: 'the NLB listener attribute tcp.idle_timeout.seconds' },
];

/** Relative distance within which a measured limit "matches" a documented default. */
export const MATCH_TOLERANCE = 0.1;

/** Intermediaries whose default is within 10 % of `estimateMs`, closest first (table order on ties). */
export function matchIntermediaries(estimateMs: number): Intermediary[] {
  return INTERMEDIARIES.map((entry, index) => ({ entry, index, distance: Math.abs(entry.idleTimeoutMs - estimateMs) }))
    .filter((c) => c.distance <= MATCH_TOLERANCE * estimateMs)
    .sort((a, b) => a.distance - b.distance || a.index - b.index)
    .map((c) => c.entry);
}
