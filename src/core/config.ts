// Endpoint configuration: the one schema shared by the `streamHealth.endpoints` setting and the CLI's
// `--config` file, its defaults, and validation that names the entry and field at fault.

import { KIND_INFO } from './kinds.ts';
import type { NetworkSettings, ProxyEnvironment } from './network.ts';
import { NO_PROXY_ENVIRONMENT, PROXY_MODES, proxyUrlProblem, routeFor } from './network.ts';

export const ENDPOINT_KINDS = ['mcp', 'mcp-sse', 'sse', 'grpc', 'websocket'] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

export interface ReconnectConfig {
  readonly initialDelaySeconds: number;
  readonly maxDelaySeconds: number;
  readonly multiplier: number;
  /** Fraction of the delay randomised either way: 0.5 means delay x [0.5, 1.5]. */
  readonly jitter: number;
  /** Consecutive failed attempts before `failed`; 0 = retry forever. */
  readonly maxAttempts: number;
}

export interface GrpcConfig {
  /** Full method path of a server-streaming method. */
  readonly method: string;
  /** `service` field of the grpc.health.v1 request (default method only). */
  readonly service: string;
  /** Raw request message for any other method, base64 of its protobuf encoding. */
  readonly requestBase64: string;
  /** HTTP/2 PING interval on the channel; 0 = off. Keeps the TCP path warm, never an L7 stream. */
  readonly keepaliveSeconds: number;
}

export interface TlsConfig {
  readonly rejectUnauthorized: boolean;
  /** PEM file with extra CA certificates, added to the trusted roots; empty = none. */
  readonly caFile: string;
  /** PEM client certificate (chain) for mutual TLS; empty = none. Re-read on every connect. */
  readonly certFile: string;
  /** PEM private key of the client certificate; empty = none. */
  readonly keyFile: string;
  /** Passphrase of an encrypted keyFile; may be `${secret:NAME}`, resolved at connect time. */
  readonly keyPassphrase: string;
}

/** OAuth sign-in for MCP servers that ask for it (a 401 Bearer challenge). */
export interface AuthConfig {
  /** false for `"auth": "none"`: a Bearer challenge is then a plain 401 and no stored sign-in is used. */
  readonly signIn: boolean;
  /** A client registered with the authorization server beforehand; empty = dynamic registration. */
  readonly clientId: string;
  /** Scopes to ask for; empty = those the server's challenge or metadata names. */
  readonly scopes: readonly string[];
}

export interface WebSocketConfig {
  /** Subprotocols offered in `Sec-WebSocket-Protocol`, in order of preference; empty = none offered. */
  readonly protocols: readonly string[];
}

export interface EndpointConfig {
  readonly name: string;
  readonly kind: EndpointKind;
  readonly url: string;
  /** Header values may hold `${secret:NAME}` placeholders; resolved only at connect time. */
  readonly headers: Readonly<Record<string, string>>;
  readonly heartbeatSeconds: number;
  readonly idleTimeoutSeconds: number;
  readonly reconnect: ReconnectConfig;
  readonly grpc: GrpcConfig;
  readonly tls: TlsConfig;
  /** `auto` (the host's proxy settings), `off` (direct) or a proxy URL; the password may be `${secret:NAME}`. */
  readonly proxy: string;
  /** Decided by the host from `proxy` and its environment (see core/network.ts); not a user field. */
  readonly network: NetworkSettings;
  readonly websocket: WebSocketConfig;
  /** Largest SSE line/event or WebSocket message accepted before the stream ends as `protocol-error`. */
  readonly maxMessageBytes: number;
  /** Absent = sign in when the server asks, with dynamic registration and the scopes it names. */
  readonly auth?: AuthConfig;
}

/** Every default in one place, with units in the names; the settings schema documents the same values. */
export const DEFAULTS = {
  heartbeatSeconds: 15,
  /** 3 x the expected heartbeat: three missed heartbeats mean the stream is dead. */
  idleTimeoutSeconds: 45,
  reconnect: {
    initialDelaySeconds: 1,
    maxDelaySeconds: 30,
    multiplier: 2,
    jitter: 0.5,
    maxAttempts: 0,
  } satisfies ReconnectConfig,
  grpc: {
    method: '/grpc.health.v1.Health/Watch',
    service: '',
    requestBase64: '',
    keepaliveSeconds: 0,
  } satisfies GrpcConfig,
  tls: { rejectUnauthorized: true, caFile: '', certFile: '', keyFile: '', keyPassphrase: '' } satisfies TlsConfig,
  proxy: 'auto',
  websocket: { protocols: [] as readonly string[] } satisfies WebSocketConfig,
  maxMessageBytes: 1024 * 1024,
} as const;

/**
 * The field names an entry and each of its option objects may hold; anything else is reported as a
 * warning (a typo, or a field from a newer version) and ignored. The settings schema lists the same names.
 */
export const KNOWN_FIELDS = {
  endpoint: ['name', 'kind', 'url', 'headers', 'heartbeatSeconds', 'idleTimeoutSeconds', 'reconnect', 'grpc', 'tls', 'websocket', 'maxMessageBytes', 'proxy', 'auth'],
  reconnect: ['initialDelaySeconds', 'maxDelaySeconds', 'multiplier', 'jitter', 'maxAttempts'],
  grpc: ['method', 'service', 'requestBase64', 'keepaliveSeconds'],
  tls: ['rejectUnauthorized', 'caFile', 'certFile', 'keyFile', 'keyPassphrase'],
  websocket: ['protocols'],
  auth: ['clientId', 'scopes'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** Inclusive ranges for numeric fields; the settings schema uses the same numbers. */
export const LIMITS = {
  heartbeatSeconds: { min: 0, max: 3600 },
  idleTimeoutSeconds: { min: 0, max: 86400 },
  initialDelaySeconds: { min: 0.05, max: 3600 },
  maxDelaySeconds: { min: 0.05, max: 86400 },
  multiplier: { min: 1, max: 10 },
  jitter: { min: 0, max: 1 },
  maxAttempts: { min: 0, max: 1_000_000 },
  keepaliveSeconds: { min: 0, max: 3600 },
  maxMessageBytes: { min: 1024, max: 256 * 1024 * 1024 },
} as const;

/** An HTTP token (RFC 9110 5.6.2): the grammar of header names and of WebSocket subprotocols. */
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** More offered subprotocols than this is a mistake, not a negotiation. */
const MAX_WS_PROTOCOLS = 16;

export const SECRET_PLACEHOLDER = /\$\{secret:([A-Za-z0-9_.-]+)\}/g;
const NAME_PATTERN = /^[^\s].{0,79}$/s;

/** One problem with one field of one entry, e.g. `endpoints[2].url: not a URL`. */
export interface ConfigIssue {
  readonly index: number;
  /** The entry's name when it has a usable one. */
  readonly name?: string;
  readonly field: string;
  readonly message: string;
}

export function formatConfigIssue(issue: ConfigIssue): string {
  const entry = issue.index < 0 ? 'endpoints' : `endpoints[${issue.index}]`;
  const where = issue.field ? `${entry}.${issue.field}` : entry;
  return `${where}: ${issue.message}`;
}

export interface ParsedEndpoints {
  /** Valid entries, defaults filled in, in their original order. */
  readonly endpoints: EndpointConfig[];
  /** One issue per bad field; an entry with any issue is left out of `endpoints`. */
  readonly issues: ConfigIssue[];
  /** One per unknown field, which is ignored: these never keep an entry from running. */
  readonly warnings: ConfigIssue[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates field by field so one bad entry never hides the others. */
export function parseEndpoints(raw: unknown): ParsedEndpoints {
  const endpoints: EndpointConfig[] = [];
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  if (raw === undefined || raw === null) return { endpoints, issues, warnings };
  if (!Array.isArray(raw)) {
    issues.push({ index: -1, field: '', message: 'endpoints must be an array of endpoint objects' });
    return { endpoints, issues, warnings };
  }
  const seen = new Set<string>();
  raw.forEach((entry, index) => {
    warnings.push(...unknownFields(entry, index));
    const entryIssues: ConfigIssue[] = [];
    const parsed = parseEndpoint(entry, index, entryIssues);
    if (parsed && seen.has(parsed.name)) {
      entryIssues.push({ index, name: parsed.name, field: 'name', message: `"${parsed.name}" is used by an earlier entry; names must be unique` });
    }
    if (parsed && entryIssues.length === 0) {
      seen.add(parsed.name);
      endpoints.push(parsed);
    }
    issues.push(...entryIssues);
  });
  return { endpoints, issues, warnings };
}

type KnownObject = keyof typeof KNOWN_FIELDS;
const OPTION_OBJECTS = ['reconnect', 'grpc', 'tls', 'websocket', 'auth'] as const satisfies readonly KnownObject[];

/** Fields this version does not know, at the top of the entry and inside its option objects. */
function unknownFields(entry: unknown, index: number): ConfigIssue[] {
  if (!isObject(entry)) return [];
  const name = typeof entry.name === 'string' && entry.name.trim() ? entry.name.trim() : undefined;
  const found: ConfigIssue[] = [];
  const check = (obj: Json, where: KnownObject, prefix: string) => {
    for (const key of Object.keys(obj)) {
      if ((KNOWN_FIELDS[where] as readonly string[]).includes(key)) continue;
      const suggestion = suggestField(key, where);
      const message = `unknown field, ignored${suggestion ? `; did you mean "${suggestion}"?` : ''}`;
      found.push({ index, ...(name ? { name } : {}), field: `${prefix}${key}`, message });
    }
  };
  check(entry, 'endpoint', '');
  for (const where of OPTION_OBJECTS) {
    const value = entry[where];
    if (isObject(value)) check(value, where, `${where}.`);
  }
  return found;
}

/**
 * The known name a typo most likely meant: the closest one in the same object (a small edit distance,
 * or the name without its unit, `heartbeat` for `heartbeatSeconds`), else the same name in another
 * object (`keepaliveSeconds` at the top for `grpc.keepaliveSeconds`).
 */
function suggestField(key: string, where: KnownObject): string | undefined {
  const lower = key.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const known of KNOWN_FIELDS[where]) {
    const candidate = known.toLowerCase();
    const distance = candidate.startsWith(lower) && lower.length >= 4 ? 0 : editDistance(lower, candidate);
    if (distance <= Math.max(1, Math.min(3, Math.floor(known.length / 4))) && (!best || distance < best.distance)) best = { name: known, distance };
  }
  if (best) return where === 'endpoint' ? best.name : `${where}.${best.name}`;
  if (where === 'endpoint') {
    const owner = OPTION_OBJECTS.find((o) => (KNOWN_FIELDS[o] as readonly string[]).includes(key));
    return owner ? `${owner}.${key}` : undefined;
  }
  return (KNOWN_FIELDS.endpoint as readonly string[]).includes(key) ? key : undefined;
}

/** Edit distance with adjacent swaps (optimal string alignment): `nmae` is one step from `name`. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row[j] = d;
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

function parseEndpoint(entry: unknown, index: number, issues: ConfigIssue[]): EndpointConfig | undefined {
  if (!isObject(entry)) {
    issues.push({ index, field: '', message: 'not an object; expected { "name", "kind", "url", ... }' });
    return undefined;
  }
  const name = typeof entry.name === 'string' ? entry.name.trim() : '';
  const issue = (field: string, message: string) => issues.push({ index, name: name || undefined, field, message });

  if (typeof entry.name !== 'string' || !NAME_PATTERN.test(name)) issue('name', 'required: a non-empty string of at most 80 characters');
  const kind = entry.kind;
  if (typeof kind !== 'string' || !(ENDPOINT_KINDS as readonly string[]).includes(kind)) {
    issue('kind', `must be one of ${ENDPOINT_KINDS.join(', ')}`);
  }
  const url = typeof entry.url === 'string' ? entry.url.trim() : '';
  let parsedUrl: URL | undefined;
  if (entry.url === undefined || url === '') {
    issue('url', 'required: the stream URL, e.g. "https://example.com/mcp"');
  } else {
    try {
      parsedUrl = new URL(url);
    } catch {
      issue('url', 'not a URL');
    }
  }
  if (parsedUrl && typeof kind === 'string' && kind in KIND_INFO) {
    const allowed = KIND_INFO[kind as EndpointKind].urlSchemes;
    if (!allowed.includes(parsedUrl.protocol)) issue('url', `${kind} endpoints need a ${allowed.join(' or ')} URL, not ${parsedUrl.protocol}`);
  }
  if (parsedUrl && (parsedUrl.username || parsedUrl.password)) {
    issue('url', 'credentials in the URL are not allowed; use headers with ${secret:NAME}');
  }

  const headers: Record<string, string> = {};
  if (entry.headers !== undefined) {
    if (!isObject(entry.headers)) issue('headers', 'must be an object of header name to string value');
    else {
      for (const [key, value] of Object.entries(entry.headers)) {
        if (!HTTP_TOKEN.test(key)) issue(`headers.${key}`, 'not a valid HTTP header name');
        else if (typeof value !== 'string') issue(`headers.${key}`, 'must be a string');
        else if (/[\r\n]/.test(value)) issue(`headers.${key}`, 'must not contain line breaks');
        else headers[key] = value;
      }
    }
  }

  const num = (obj: Json, key: string, field: string, fallback: number, range: { min: number; max: number }, integer = false): number => {
    const value = obj[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      issue(field, `must be a number (got ${JSON.stringify(value)?.slice(0, 40)})`);
      return fallback;
    }
    if (integer && !Number.isInteger(value)) issue(field, 'must be a whole number');
    if (value < range.min || value > range.max) issue(field, `must be between ${range.min} and ${range.max}`);
    return value;
  };
  const sub = (key: string): Json => {
    const value = entry[key];
    if (value === undefined) return {};
    if (!isObject(value)) {
      issue(key, 'must be an object');
      return {};
    }
    return value;
  };
  const str = (obj: Json, key: string, field: string, fallback: string): string => {
    const value = obj[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'string') {
      issue(field, 'must be a string');
      return fallback;
    }
    return value;
  };

  const heartbeatSeconds = num(entry, 'heartbeatSeconds', 'heartbeatSeconds', DEFAULTS.heartbeatSeconds, LIMITS.heartbeatSeconds);
  const idleTimeoutSeconds = num(entry, 'idleTimeoutSeconds', 'idleTimeoutSeconds', DEFAULTS.idleTimeoutSeconds, LIMITS.idleTimeoutSeconds);
  if (heartbeatSeconds > 0 && idleTimeoutSeconds > 0 && idleTimeoutSeconds < heartbeatSeconds) {
    issue('idleTimeoutSeconds', `must be at least heartbeatSeconds (${heartbeatSeconds}); 3 x is usual`);
  }

  const r = sub('reconnect');
  const d = DEFAULTS.reconnect;
  const reconnect: ReconnectConfig = {
    initialDelaySeconds: num(r, 'initialDelaySeconds', 'reconnect.initialDelaySeconds', d.initialDelaySeconds, LIMITS.initialDelaySeconds),
    maxDelaySeconds: num(r, 'maxDelaySeconds', 'reconnect.maxDelaySeconds', d.maxDelaySeconds, LIMITS.maxDelaySeconds),
    multiplier: num(r, 'multiplier', 'reconnect.multiplier', d.multiplier, LIMITS.multiplier),
    jitter: num(r, 'jitter', 'reconnect.jitter', d.jitter, LIMITS.jitter),
    maxAttempts: num(r, 'maxAttempts', 'reconnect.maxAttempts', d.maxAttempts, LIMITS.maxAttempts, true),
  };
  if (reconnect.maxDelaySeconds < reconnect.initialDelaySeconds) {
    issue('reconnect.maxDelaySeconds', `must be at least initialDelaySeconds (${reconnect.initialDelaySeconds})`);
  }

  const g = sub('grpc');
  const grpc: GrpcConfig = {
    method: str(g, 'method', 'grpc.method', DEFAULTS.grpc.method),
    service: str(g, 'service', 'grpc.service', DEFAULTS.grpc.service),
    requestBase64: str(g, 'requestBase64', 'grpc.requestBase64', DEFAULTS.grpc.requestBase64),
    keepaliveSeconds: num(g, 'keepaliveSeconds', 'grpc.keepaliveSeconds', DEFAULTS.grpc.keepaliveSeconds, LIMITS.keepaliveSeconds),
  };
  if (!/^\/[^/\s]+\/[^/\s]+$/.test(grpc.method)) issue('grpc.method', 'must look like /package.Service/Method');
  if (grpc.requestBase64 && !/^[A-Za-z0-9+/]*={0,2}$/.test(grpc.requestBase64)) issue('grpc.requestBase64', 'not base64');

  const t = sub('tls');
  const rejectUnauthorized = t.rejectUnauthorized === undefined ? DEFAULTS.tls.rejectUnauthorized : t.rejectUnauthorized;
  if (typeof rejectUnauthorized !== 'boolean') issue('tls.rejectUnauthorized', 'must be true or false');
  const tls: TlsConfig = {
    rejectUnauthorized: rejectUnauthorized !== false,
    caFile: str(t, 'caFile', 'tls.caFile', DEFAULTS.tls.caFile),
    certFile: str(t, 'certFile', 'tls.certFile', DEFAULTS.tls.certFile),
    keyFile: str(t, 'keyFile', 'tls.keyFile', DEFAULTS.tls.keyFile),
    keyPassphrase: str(t, 'keyPassphrase', 'tls.keyPassphrase', DEFAULTS.tls.keyPassphrase),
  };
  if (tls.certFile && !tls.keyFile) issue('tls.keyFile', 'required with tls.certFile: the PEM file of the client certificate\'s private key');
  if (tls.keyFile && !tls.certFile) issue('tls.certFile', 'required with tls.keyFile: the PEM file of the client certificate');
  if (tls.keyPassphrase && !tls.keyFile) issue('tls.keyPassphrase', 'only used with tls.keyFile (an encrypted client key)');

  const proxy = str(entry, 'proxy', 'proxy', DEFAULTS.proxy).trim();
  if (!(PROXY_MODES as readonly string[]).includes(proxy)) {
    const problem = proxyUrlProblem(proxy);
    if (problem) issue('proxy', problem);
    else if (typeof kind === 'string' && kind === 'grpc' && !proxy.startsWith('http:')) issue('proxy', 'gRPC connects through http:// proxies only (grpc-js sends a plain CONNECT)');
  }

  const w = sub('websocket');
  const protocols: string[] = [];
  if (w.protocols !== undefined) {
    if (!Array.isArray(w.protocols)) issue('websocket.protocols', 'must be an array of subprotocol names, e.g. ["graphql-transport-ws"]');
    else if (w.protocols.length > MAX_WS_PROTOCOLS) issue('websocket.protocols', `at most ${MAX_WS_PROTOCOLS} subprotocols`);
    else {
      w.protocols.forEach((p: unknown, i: number) => {
        const field = `websocket.protocols[${i}]`;
        if (typeof p !== 'string' || !HTTP_TOKEN.test(p)) issue(field, "not a subprotocol name (letters, digits and !#$%&'*+-.^_`|~, no spaces or commas)");
        else if (protocols.includes(p)) issue(field, `"${p}" is listed twice`);
        else protocols.push(p);
      });
    }
  }
  if (protocols.length > 0 && typeof kind === 'string' && kind !== 'websocket') issue('websocket.protocols', `only websocket endpoints negotiate a subprotocol, this one is ${kind}`);
  const websocket: WebSocketConfig = { protocols };

  const maxMessageBytes = num(entry, 'maxMessageBytes', 'maxMessageBytes', DEFAULTS.maxMessageBytes, LIMITS.maxMessageBytes, true);

  let auth: AuthConfig | undefined;
  if (entry.auth === 'none') auth = { signIn: false, clientId: '', scopes: [] };
  else if (entry.auth !== undefined) {
    if (!isObject(entry.auth)) issue('auth', 'must be "none" (no sign-in) or an object { "clientId", "scopes" }');
    else {
      const a = entry.auth;
      const clientId = str(a, 'clientId', 'auth.clientId', '').trim();
      const scopes: string[] = [];
      if (a.scopes !== undefined) {
        if (!Array.isArray(a.scopes) || a.scopes.some((s: unknown) => typeof s !== 'string' || !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s))) {
          issue('auth.scopes', 'must be an array of scope names without spaces, e.g. ["repo", "read:org"]');
        } else scopes.push(...(a.scopes as string[]));
      }
      if (typeof kind === 'string' && kind in KIND_INFO && !KIND_INFO[kind as EndpointKind].signIn) issue('auth', `sign-in is for HTTP endpoints (mcp, mcp-sse, sse), this one is ${kind}`);
      auth = { signIn: true, clientId, scopes };
    }
  }

  if (issues.length > 0) return undefined;
  const network: NetworkSettings = { route: routeFor({ proxy, url }, NO_PROXY_ENVIRONMENT), systemCertificates: true };
  return { name, kind: kind as EndpointKind, url, headers, heartbeatSeconds, idleTimeoutSeconds, reconnect, grpc, tls, proxy, network, websocket, maxMessageBytes, ...(auth ? { auth } : {}) };
}

/** Every field value that may hold `${secret:NAME}` placeholders: headers, the proxy URL, the key passphrase. */
export function secretBearingValues(config: Pick<EndpointConfig, 'headers'> & { readonly proxy?: string; readonly tls?: Pick<TlsConfig, 'keyPassphrase'> }): string[] {
  return [...Object.values(config.headers), config.proxy ?? '', config.tls?.keyPassphrase ?? ''];
}

/** Names of every `${secret:NAME}` the entry refers to (headers, proxy password, key passphrase). */
export function secretNames(config: Parameters<typeof secretBearingValues>[0]): string[] {
  const names = new Set<string>();
  for (const value of secretBearingValues(config)) {
    for (const match of value.matchAll(SECRET_PLACEHOLDER)) names.add(match[1]!);
  }
  return [...names];
}

/** The configs with the host's proxy environment and trust choice applied (only changed routes restart). */
export function withNetwork(configs: readonly EndpointConfig[], env: ProxyEnvironment, systemCertificates: boolean): EndpointConfig[] {
  return configs.map((config) => ({ ...config, network: { route: routeFor(config, env), systemCertificates } }));
}

/** Idle window in ms; 0 = watchdog off. */
export function idleWindowMs(config: Pick<EndpointConfig, 'idleTimeoutSeconds'>): number {
  return Math.round(config.idleTimeoutSeconds * 1000);
}
