// Turns CLI input (a --config file or --url/--kind) into validated endpoint configs, applying the
// --heartbeat / --idle-timeout overrides; every problem is listed, each naming its entry and field.

import { readFileSync } from 'node:fs';
import { DEFAULTS, formatConfigIssue, parseEndpoints, withNetwork } from '../core/config.ts';
import { proxyEnvironmentFrom } from '../core/network.ts';
import type { NetworkFlags } from './args.ts';
import type { ConfigIssue, EndpointConfig, EndpointKind } from '../core/config.ts';
import { StreamHealthError } from '../core/errors.ts';
import { redactUrl } from '../core/secrets.ts';
import { errorMessage } from '../core/util.ts';
import { ENV_SECRET_PREFIX } from '../discovery/mapping.ts';

export class CliConfigError extends StreamHealthError {
  readonly problems: readonly string[];
  constructor(source: string, problems: readonly string[]) {
    super('SH_ERR_CONFIG', `${source}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'CliConfigError';
    this.problems = problems;
  }
}

export interface EndpointInput {
  readonly configFile?: string;
  readonly url?: string;
  readonly kind?: EndpointKind;
  readonly heartbeatSeconds?: number;
  readonly idleTimeoutSeconds?: number;
  /** --proxy and the TLS flags, applied to every entry. */
  readonly network?: NetworkFlags;
  /** The process environment: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY for `proxy: auto`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The watchdog default is 3 x the heartbeat (docs/design.md, endpoint configuration); only applied when the user gave --heartbeat alone. */
const IDLE_PER_HEARTBEAT = 3;

type Raw = Record<string, unknown>;

export interface LoadedEndpoints {
  readonly endpoints: EndpointConfig[];
  /** Unknown fields, ignored, one line each (`eps.json: endpoints[0].heartbeatSecond: unknown field...`). */
  readonly warnings: string[];
  /** The config file's top-level "metrics" object (agent mode), unparsed; see agentConfig.ts. */
  readonly metrics?: unknown;
}

export function loadEndpoints(input: EndpointInput, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): LoadedEndpoints {
  let raw: unknown[];
  let source: string;
  let metrics: unknown;
  if (input.configFile !== undefined) {
    source = input.configFile;
    ({ endpoints: raw, metrics } = readConfigFile(input.configFile, readFile));
  } else if (input.url !== undefined && input.kind !== undefined) {
    source = 'command line';
    raw = [{ name: nameFromUrl(input.url), kind: input.kind, url: input.url }];
  } else {
    throw new CliConfigError('command line', ['give --config FILE or --url URL --kind KIND']);
  }
  const withOverrides = raw.map((entry) => applyOverrides(entry, input));
  const { endpoints, issues, warnings } = parseEndpoints(withOverrides);
  if (issues.length > 0) {
    // The unknown fields go along: a misspelt name is often why a required field is "missing".
    const problems = [...issues, ...warnings].map((issue) => (input.configFile === undefined ? flagIssue(issue) : formatConfigIssue(issue)));
    throw new CliConfigError(source, problems);
  }
  if (endpoints.length === 0) throw new CliConfigError(source, ['no endpoints configured: "endpoints" is empty']);
  const routed = withNetwork(endpoints, proxyEnvironmentFrom(input.env ?? {}), input.network?.systemCertificates ?? true);
  return { endpoints: routed, warnings: warnings.map((w) => `${source}: ${formatConfigIssue(w)}`), ...(metrics !== undefined ? { metrics } : {}) };
}

function readConfigFile(path: string, readFile: (path: string) => string): { endpoints: unknown[]; metrics?: unknown } {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CliConfigError(path, [code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(error)})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliConfigError(path, [`not valid JSON: ${errorMessage(error)}`]);
  }
  const endpoints = Array.isArray(json) ? json : (json as Raw | null)?.endpoints;
  if (!Array.isArray(endpoints)) throw new CliConfigError(path, ['expected {"endpoints": [ ... ]}']);
  // "metrics" is a file-level key (agent mode), never an endpoint field.
  const metrics = Array.isArray(json) ? undefined : (json as Raw).metrics;
  return { endpoints, ...(metrics !== undefined ? { metrics } : {}) };
}

export function applyOverrides(entry: unknown, input: EndpointInput): unknown {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return entry;
  const out: Raw = { ...(entry as Raw) };
  const net = input.network;
  if (net?.proxy !== undefined) out.proxy = net.proxy;
  if (net && (net.caFile !== undefined || net.certFile !== undefined)) {
    const tls = typeof out.tls === 'object' && out.tls !== null && !Array.isArray(out.tls) ? { ...(out.tls as Raw) } : {};
    if (net.caFile !== undefined) tls.caFile = net.caFile;
    if (net.certFile !== undefined) tls.certFile = net.certFile;
    if (net.keyFile !== undefined) tls.keyFile = net.keyFile;
    out.tls = tls;
  }
  if (input.heartbeatSeconds !== undefined) {
    out.heartbeatSeconds = input.heartbeatSeconds;
    if (input.idleTimeoutSeconds === undefined) out.idleTimeoutSeconds = input.heartbeatSeconds * IDLE_PER_HEARTBEAT;
  }
  if (input.idleTimeoutSeconds !== undefined) {
    out.idleTimeoutSeconds = input.idleTimeoutSeconds;
    // --idle-timeout alone, shorter than the heartbeat: keep the usual 3 heartbeats per window.
    const heartbeat = typeof out.heartbeatSeconds === 'number' ? out.heartbeatSeconds : DEFAULTS.heartbeatSeconds;
    if (input.heartbeatSeconds === undefined && input.idleTimeoutSeconds > 0 && heartbeat > input.idleTimeoutSeconds) {
      out.heartbeatSeconds = input.idleTimeoutSeconds / IDLE_PER_HEARTBEAT;
    }
  }
  return out;
}

const FLAG_FOR_FIELD: Readonly<Record<string, string>> = {
  url: '--url', kind: '--kind', heartbeatSeconds: '--heartbeat', idleTimeoutSeconds: '--idle-timeout',
  proxy: '--proxy', 'tls.caFile': '--ca-file', 'tls.certFile': '--cert', 'tls.keyFile': '--key',
};

function flagIssue(issue: ConfigIssue): string {
  const flag = FLAG_FOR_FIELD[issue.field];
  return flag ? `${flag}: ${issue.message}` : formatConfigIssue(issue);
}

/** A readable endpoint name for --url: host[:port] and path, without secrets, at most 80 characters. */
export function nameFromUrl(url: string): string {
  try {
    const u = new URL(redactUrl(url));
    const path = u.pathname === '/' ? '' : u.pathname;
    return `${u.host}${path}`.slice(0, 80) || 'endpoint';
  } catch {
    return 'endpoint';
  }
}

/** `${secret:my-token}` -> STREAM_HEALTH_SECRET_MY_TOKEN. */
export function secretEnvName(name: string): string {
  return `STREAM_HEALTH_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function envSecretResolver(env: NodeJS.ProcessEnv): (name: string) => string | undefined {
  return (name) => env[secretEnvName(name)];
}

/** Every secret value set in the environment, so the output can be scrubbed as a last line of defence. */
export function envSecretValues(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([key, value]) => key.startsWith('STREAM_HEALTH_SECRET_') && typeof value === 'string' && value.length > 0)
    .map(([, value]) => value!);
}

export function secretHint(name: string): string {
  // A discovered server's `${env:X}` / `${X}` (src/discovery) reads X itself.
  if (name.startsWith(ENV_SECRET_PREFIX)) return `Set the environment variable its source names: export ${name.slice(ENV_SECRET_PREFIX.length)}=...`;
  return `Set it in the environment: export ${secretEnvName(name)}=...`;
}
