// Agent-mode settings of `stream-health watch`: the config file's top-level "metrics" object merged
// with the command-line flags (flags win), validated into one typed value; every problem is listed.

import { hostname } from 'node:os';
import { SECRET_PLACEHOLDER } from '../core/config.ts';
import { resolveHeaders } from '../core/secrets.ts';
import { CliConfigError, envSecretResolver, secretHint } from './endpoints.ts';

/** Prometheus's registered default port for OpenTelemetry's Prometheus exporter. */
export const DEFAULT_METRICS_PORT = 9464;
export const DEFAULT_OTLP_INTERVAL_SECONDS = 15;
const MIN_OTLP_INTERVAL_SECONDS = 1;

declare const STREAM_HEALTH_VERSION: string | undefined;
/** Set by esbuild from package.json; unbundled runs (tests) say dev. */
export const VERSION: string = typeof STREAM_HEALTH_VERSION === 'string' ? STREAM_HEALTH_VERSION : '0.0.0-dev';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export interface OtlpSettings {
  readonly endpoint: string;
  /** Header templates; `${secret:NAME}` is resolved by resolveOtlpHeaders, never stored here. */
  readonly headers: Readonly<Record<string, string>>;
  readonly intervalSeconds: number;
}

export interface AgentSettings {
  readonly listen?: ListenAddress;
  readonly otlp?: OtlpSettings;
  /** OTel resource attributes of this agent, `service.instance.id` included. */
  readonly resourceAttributes: Readonly<Record<string, string>>;
}

export interface AgentFlags {
  readonly metricsListen?: string;
  readonly otlpEndpoint?: string;
  readonly otlpHeaders?: readonly string[];
  readonly otlpIntervalSeconds?: number;
}

const METRICS_FIELDS = ['listen', 'otlp', 'serviceInstanceId', 'resourceAttributes'] as const;
const OTLP_FIELDS = ['endpoint', 'headers', 'intervalSeconds'] as const;

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the settings and warnings (unknown fields); throws CliConfigError listing every problem. */
export function parseAgentSettings(fileMetrics: unknown, flags: AgentFlags, source: string, host: string = hostname()): { settings: AgentSettings; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  let file: Raw = {};
  if (fileMetrics !== undefined) {
    if (isObject(fileMetrics)) file = fileMetrics;
    else problems.push('metrics: must be an object like {"listen": "127.0.0.1:9464"}');
  }
  for (const key of Object.keys(file)) if (!(METRICS_FIELDS as readonly string[]).includes(key)) warnings.push(`${source}: metrics.${key}: unknown field, ignored (known: ${METRICS_FIELDS.join(', ')})`);
  let fileOtlp: Raw = {};
  if (file.otlp !== undefined) {
    if (isObject(file.otlp)) fileOtlp = file.otlp;
    else problems.push('metrics.otlp: must be an object like {"endpoint": "http://collector:4318/v1/metrics"}');
  }
  for (const key of Object.keys(fileOtlp)) if (!(OTLP_FIELDS as readonly string[]).includes(key)) warnings.push(`${source}: metrics.otlp.${key}: unknown field, ignored (known: ${OTLP_FIELDS.join(', ')})`);

  const listenText = flags.metricsListen ?? stringField(file.listen, 'metrics.listen', problems);
  const listen = listenText === undefined ? undefined : parseListen(listenText, flags.metricsListen !== undefined ? '--metrics-listen' : 'metrics.listen', problems);

  const endpointText = flags.otlpEndpoint ?? stringField(fileOtlp.endpoint, 'metrics.otlp.endpoint', problems);
  const headers: Record<string, string> = { ...stringMap(fileOtlp.headers, 'metrics.otlp.headers', problems) };
  for (const pair of flags.otlpHeaders ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) problems.push(`--otlp-header: expected KEY=VALUE (got "${pair.slice(0, Math.max(eq, 0)) || '…'}")`);
    else headers[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  const intervalRaw = flags.otlpIntervalSeconds ?? fileOtlp.intervalSeconds ?? DEFAULT_OTLP_INTERVAL_SECONDS;
  let intervalSeconds = DEFAULT_OTLP_INTERVAL_SECONDS;
  if (typeof intervalRaw !== 'number' || !Number.isFinite(intervalRaw) || intervalRaw < MIN_OTLP_INTERVAL_SECONDS) {
    problems.push(`metrics.otlp.intervalSeconds: must be a number of seconds, at least ${MIN_OTLP_INTERVAL_SECONDS}`);
  } else intervalSeconds = intervalRaw;
  let otlp: OtlpSettings | undefined;
  if (endpointText !== undefined) {
    const endpoint = parseOtlpEndpoint(endpointText, problems);
    if (endpoint) otlp = { endpoint, headers, intervalSeconds };
  } else if (Object.keys(headers).length > 0) {
    problems.push('--otlp-header / metrics.otlp.headers need an OTLP endpoint: add --otlp-endpoint URL');
  }

  const attributes: Record<string, string> = { ...stringMap(file.resourceAttributes, 'metrics.resourceAttributes', problems) };
  for (const [key, value] of Object.entries(attributes)) {
    if (SECRET_PLACEHOLDER.test(value)) problems.push(`metrics.resourceAttributes.${key}: secrets are not allowed in resource attributes (they are exported with every point)`);
    SECRET_PLACEHOLDER.lastIndex = 0;
  }
  const instance = stringField(file.serviceInstanceId, 'metrics.serviceInstanceId', problems);
  attributes['service.instance.id'] = instance ?? attributes['service.instance.id'] ?? host;

  if (problems.length > 0) throw new CliConfigError(source, problems);
  return {
    settings: { ...(listen ? { listen } : {}), ...(otlp ? { otlp } : {}), resourceAttributes: attributes },
    warnings,
  };
}

function stringField(value: unknown, field: string, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  problems.push(`${field}: must be a non-empty string`);
  return undefined;
}

function stringMap(value: unknown, field: string, problems: string[]): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    problems.push(`${field}: must be an object of string values`);
    return {};
  }
  return value as Record<string, string>;
}

/** `HOST:PORT`, `[v6]:PORT` or just `PORT` (then loopback: exposing metrics to the network is a choice). */
export function parseListen(text: string, field: string, problems: string[]): ListenAddress | undefined {
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) {
    problems.push(`${field}: expected HOST:PORT such as 127.0.0.1:${DEFAULT_METRICS_PORT} or 0.0.0.0:${DEFAULT_METRICS_PORT} (got "${text}")`);
    return undefined;
  }
  const host = m[1] === undefined ? '127.0.0.1' : m[1].replace(/^\[|\]$/g, '');
  return { host, port };
}

/** The URL is used as given (like OTEL_EXPORTER_OTLP_METRICS_ENDPOINT); a bare origin gets the standard /v1/metrics path. */
function parseOtlpEndpoint(text: string, problems: string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    problems.push(`--otlp-endpoint: not a URL (expected http(s)://host:4318/v1/metrics)`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`--otlp-endpoint: OTLP/HTTP needs an http:// or https:// URL (got ${url.protocol})`);
    return undefined;
  }
  if (url.username || url.password) {
    problems.push('--otlp-endpoint: put credentials in --otlp-header "Authorization=Bearer ${secret:NAME}", not in the URL');
    return undefined;
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/metrics';
  return url.toString();
}

/** Resolves `${secret:NAME}` in the OTLP headers from STREAM_HEALTH_SECRET_*; a missing one is a config error. */
export async function resolveOtlpHeaders(otlp: OtlpSettings, env: NodeJS.ProcessEnv, source: string): Promise<Record<string, string>> {
  const resolved = await resolveHeaders(otlp.headers, envSecretResolver(env));
  if (!resolved.ok) throw new CliConfigError(source, [`metrics.otlp.headers: secret "${resolved.missing}" is not set. ${secretHint(resolved.missing)}`]);
  return resolved.headers;
}
