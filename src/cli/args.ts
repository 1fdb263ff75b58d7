// Command-line parsing (node:util parseArgs) into a typed command; every mistake is a UsageError.

import { parseArgs } from 'node:util';
import { ENDPOINT_KINDS } from '../core/config.ts';
import type { EndpointKind } from '../core/config.ts';
import { errorMessage } from '../core/util.ts';
import { UsageError } from './usage.ts';

export const DEFAULT_PROBE_MAX_SECONDS = 400;

export interface WatchCommand {
  readonly command: 'watch';
  readonly configFile?: string;
  readonly url?: string;
  readonly kind?: EndpointKind;
  readonly heartbeatSeconds?: number;
  readonly idleTimeoutSeconds?: number;
  readonly durationSeconds?: number;
  readonly json: boolean;
  readonly verbose: boolean;
  /** `json`: events as NDJSON on stdout (as --json) and the agent's own messages as JSON lines on stderr. */
  readonly logFormat: LogFormat;
  readonly metricsListen?: string;
  readonly otlpEndpoint?: string;
  readonly otlpHeaders: readonly string[];
  readonly otlpIntervalSeconds?: number;
  readonly network: NetworkFlags;
  /** `--discover`: watch the MCP servers other clients have configured (src/discovery). */
  readonly discover?: boolean;
  readonly workspace?: string;
}

export interface DiscoverCommand {
  readonly command: 'discover';
  /** The folder whose workspace files (.vscode/mcp.json, .mcp.json, ...) are read; default the current one. */
  readonly workspace?: string;
  readonly json: boolean;
}

/** --proxy, --ca-file, --cert, --key, --no-system-ca: applied to every endpoint (watch and probe-idle). */
export interface NetworkFlags {
  readonly proxy?: string;
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly systemCertificates: boolean;
}

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface ProbeIdleCommand {
  readonly command: 'probe-idle';
  readonly url: string;
  readonly kind: EndpointKind;
  readonly maxSeconds: number;
  readonly json: boolean;
  readonly network: NetworkFlags;
}

export interface LoginCommand {
  readonly command: 'login';
  readonly url: string;
  readonly openBrowser: boolean;
  /** How long to wait for the browser to come back (default transports/oauth/loopback.ts SIGN_IN_TIMEOUT_MS). */
  readonly timeoutSeconds?: number;
  /** A client registered beforehand (skips dynamic registration); the `auth.clientId` setting. */
  readonly clientId?: string;
  /** Space-separated scopes to ask for; the `auth.scopes` setting. */
  readonly scopes?: string;
}

export interface LogoutCommand {
  readonly command: 'logout';
  readonly url: string;
}

export type Command = WatchCommand | ProbeIdleCommand | DiscoverCommand | LoginCommand | LogoutCommand | { readonly command: 'help' };

const COMMANDS = ['watch', 'probe-idle', 'discover', 'login', 'logout'] as const;
type CommandName = (typeof COMMANDS)[number];

const OPTIONS = {
  config: { type: 'string' },
  url: { type: 'string' },
  kind: { type: 'string' },
  heartbeat: { type: 'string' },
  'idle-timeout': { type: 'string' },
  duration: { type: 'string' },
  max: { type: 'string' },
  workspace: { type: 'string' },
  discover: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  'no-browser': { type: 'boolean', default: false },
  'client-id': { type: 'string' },
  scopes: { type: 'string' },
  json: { type: 'boolean', default: false },
  verbose: { type: 'boolean', default: false },
  proxy: { type: 'string' },
  'ca-file': { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  'no-system-ca': { type: 'boolean', default: false },
  'log-format': { type: 'string' },
  'metrics-listen': { type: 'string' },
  'otlp-endpoint': { type: 'string' },
  'otlp-header': { type: 'string', multiple: true },
  'otlp-interval': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Which options each command accepts (anything else is a usage error, not silently ignored). */
const NETWORK_OPTIONS = ['proxy', 'ca-file', 'cert', 'key', 'no-system-ca'];
const ALLOWED: Record<CommandName, readonly string[]> = {
  watch: ['config', 'url', 'kind', 'heartbeat', 'idle-timeout', 'duration', 'json', 'verbose', 'help', 'log-format', 'metrics-listen', 'otlp-endpoint', 'otlp-header', 'otlp-interval', 'discover', 'workspace', ...NETWORK_OPTIONS],
  discover: ['workspace', 'json', 'help'],
  'probe-idle': ['url', 'kind', 'max', 'json', 'help', ...NETWORK_OPTIONS],
  login: ['url', 'no-browser', 'timeout', 'client-id', 'scopes', 'help'],
  logout: ['url', 'help'],
};

export function parseCommand(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(errorMessage(error).replace(/\. To specify a positional.*$/s, ''));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return { command: 'help' };
  if (positionals.length === 0) throw new UsageError(`a command is required: ${COMMANDS.join(', ')}`);
  const name = positionals[0]! as CommandName;
  if (!COMMANDS.includes(name)) throw new UsageError(`unknown command "${name}"; use ${COMMANDS.join(', ')}`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  for (const key of Object.keys(values)) {
    const given = values[key as keyof typeof values];
    if (given === undefined || given === false || (Array.isArray(given) && given.length === 0)) continue;
    if (!ALLOWED[name].includes(key)) throw new UsageError(`--${key} does not apply to ${name}`);
  }
  if (name === 'login' || name === 'logout') {
    if (values.url === undefined) throw new UsageError(`${name} needs --url URL (the MCP server's URL)`);
    if (name === 'logout') return { command: 'logout', url: values.url };
    return {
      command: 'login',
      url: values.url,
      openBrowser: !values['no-browser'],
      ...(values.timeout !== undefined ? { timeoutSeconds: seconds('--timeout', values.timeout, { positive: true }) } : {}),
      ...(values['client-id'] !== undefined ? { clientId: nonEmpty('--client-id', values['client-id']) } : {}),
      ...(values.scopes !== undefined ? { scopes: nonEmpty('--scopes', values.scopes).split(/\s+/).join(' ') } : {}),
    };
  }
  const kind = values.kind === undefined ? undefined : parseKind(values.kind);
  const network: NetworkFlags = {
    ...(values.proxy !== undefined ? { proxy: nonEmpty('--proxy', values.proxy) } : {}),
    ...(values['ca-file'] !== undefined ? { caFile: nonEmpty('--ca-file', values['ca-file']) } : {}),
    ...(values.cert !== undefined ? { certFile: nonEmpty('--cert', values.cert) } : {}),
    ...(values.key !== undefined ? { keyFile: nonEmpty('--key', values.key) } : {}),
    systemCertificates: !values['no-system-ca'],
  };
  if ((network.certFile === undefined) !== (network.keyFile === undefined)) throw new UsageError('--cert and --key go together (the client certificate and its private key, PEM)');
  if (values.url !== undefined && !kind) throw new UsageError('--url needs --kind (one of ' + ENDPOINT_KINDS.join(', ') + ')');
  if (kind && values.url === undefined) throw new UsageError('--kind needs --url');

  if (name === 'probe-idle') {
    if (values.url === undefined || !kind) throw new UsageError('probe-idle needs --url URL --kind KIND');
    return {
      command: 'probe-idle',
      url: values.url,
      kind,
      maxSeconds: values.max === undefined ? DEFAULT_PROBE_MAX_SECONDS : seconds('--max', values.max, { positive: true }),
      json: values.json ?? false,
      network,
    };
  }
  if (name === 'discover') {
    return { command: 'discover', ...(values.workspace !== undefined ? { workspace: values.workspace } : {}), json: values.json ?? false };
  }
  if (values.workspace !== undefined && !values.discover) throw new UsageError('--workspace goes with --discover (or the discover command)');
  if (values.discover && (values.config !== undefined || values.url !== undefined)) throw new UsageError('use one of --discover, --config FILE or --url URL --kind KIND');
  if (values.config !== undefined && values.url !== undefined) throw new UsageError('use either --config FILE or --url URL --kind KIND, not both');
  if (!values.discover && values.config === undefined && values.url === undefined) throw new UsageError('watch needs --config FILE, --url URL --kind KIND or --discover');
  return {
    command: 'watch',
    ...(values.config !== undefined ? { configFile: values.config } : {}),
    ...(values.url !== undefined ? { url: values.url, kind } : {}),
    ...(values.heartbeat !== undefined ? { heartbeatSeconds: seconds('--heartbeat', values.heartbeat) } : {}),
    ...(values['idle-timeout'] !== undefined ? { idleTimeoutSeconds: seconds('--idle-timeout', values['idle-timeout']) } : {}),
    ...(values.duration !== undefined ? { durationSeconds: seconds('--duration', values.duration, { positive: true }) } : {}),
    ...(values.discover ? { discover: true } : {}),
    ...(values.workspace !== undefined ? { workspace: values.workspace } : {}),
    json: values.json ?? false,
    verbose: values.verbose ?? false,
    logFormat: values['log-format'] === undefined ? 'text' : parseLogFormat(values['log-format']),
    ...(values['metrics-listen'] !== undefined ? { metricsListen: values['metrics-listen'] } : {}),
    ...(values['otlp-endpoint'] !== undefined ? { otlpEndpoint: values['otlp-endpoint'] } : {}),
    otlpHeaders: values['otlp-header'] ?? [],
    ...(values['otlp-interval'] !== undefined ? { otlpIntervalSeconds: seconds('--otlp-interval', values['otlp-interval'], { positive: true }) } : {}),
    network,
  };
}

function parseLogFormat(text: string): LogFormat {
  if ((LOG_FORMATS as readonly string[]).includes(text)) return text as LogFormat;
  throw new UsageError(`--log-format must be one of ${LOG_FORMATS.join(', ')} (got "${text}")`);
}

function nonEmpty(flag: string, text: string): string {
  if (text.trim() === '') throw new UsageError(`${flag} needs a value`);
  return text.trim();
}

function parseKind(text: string): EndpointKind {
  if ((ENDPOINT_KINDS as readonly string[]).includes(text)) return text as EndpointKind;
  throw new UsageError(`--kind must be one of ${ENDPOINT_KINDS.join(', ')} (got "${text}")`);
}

function seconds(flag: string, text: string, options: { positive?: boolean } = {}): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || (options.positive && value === 0)) {
    throw new UsageError(`${flag} takes a number of seconds${options.positive ? ' greater than 0' : ' (0 or more)'} (got "${text}")`);
  }
  return value;
}
