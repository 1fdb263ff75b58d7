// Maps other clients' MCP server entries to Stream Health endpoint configs: kind from `type`/`httpUrl`,
// one endpoint per URL listing all its sources, and every secret turned into a `${secret:NAME}` reference
// (VS Code inputs, environment variables, literal tokens held in memory only). Pure: no files, no vscode.

import type { EndpointConfig, EndpointKind } from '../core/config.ts';
import { formatConfigIssue, parseEndpoints } from '../core/config.ts';
import { looksSecret } from '../core/secrets.ts';
import type { DiscoverySource } from './sources.ts';
import { sourceTag } from './sources.ts';

/** Secret names with this prefix are read from the environment variable after it (`env.API_KEY`), at connect time. */
export const ENV_SECRET_PREFIX = 'env.';
/** VS Code `${input:id}` becomes `${secret:mcp.input.<id>}`, asked once with the input's description. */
export const INPUT_SECRET_PREFIX = 'mcp.input.';
/** A literal token from another client's file, held in memory under this name and never written anywhere. */
export const LITERAL_SECRET_PREFIX = 'mcp.literal.';

export interface SecretRef {
  /** Our secret name, as it appears in the config's `${secret:NAME}`. */
  readonly name: string;
  readonly from: 'input' | 'env' | 'literal';
  /** VS Code input's description (the prompt), or the header it came from. */
  readonly description: string;
  /** `env`: the variable read at connect time. */
  readonly envVar?: string;
  /** `env` with `${X:-default}`: used when the variable is unset. */
  readonly defaultValue?: string;
}

export type DiscoveredStatus = 'ready' | 'skipped';

export interface DiscoveredServer {
  /** Unique among the discovered servers: the server's key, with the source as suffix on a clash. */
  readonly name: string;
  readonly kind?: EndpointKind;
  /** As configured, environment variables expanded; may hold a token in its query (show it through redactUrl). */
  readonly url?: string;
  /** Every file that lists this URL, first one first. */
  readonly sources: readonly DiscoverySource[];
  /** Each place that lists it: the source and the server's key there (CodeLens, Problems-panel anchors). */
  readonly entries: readonly { readonly source: DiscoverySource; readonly key: string }[];
  /** `skipped`: not monitorable (stdio, disabled, no URL...); `reason` says why. Secrets are checked by the host. */
  readonly status: DiscoveredStatus;
  readonly reason?: string;
  /** Ready to hand to the Monitor: headers hold only `${secret:...}` references for secret values. */
  readonly config?: EndpointConfig;
  readonly secrets: readonly SecretRef[];
  /** Things the user should know, e.g. a `headersHelper` command that we never run. */
  readonly notes: readonly string[];
}

export interface ParsedSource {
  readonly source: DiscoverySource;
  /** The file's parsed value (the last good one when the file is now invalid). */
  readonly value: unknown;
}

export interface MappedServers {
  readonly servers: DiscoveredServer[];
  /** Literal secret values by secret name; in memory only, never print or persist. */
  readonly literals: ReadonlyMap<string, string>;
  /** Shape problems (e.g. `servers` is not an object), one line each, naming the file. */
  readonly problems: string[];
}

export interface MapOptions {
  /** Expands `${env:X}` / `${X}` / `${X:-d}` in URLs (headers keep a reference, read at connect time). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
  /** Fields merged under every entry before validation (`streamHealth.defaults`, CLI --heartbeat). */
  readonly entryDefaults?: Readonly<Record<string, unknown>>;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `${input:id}`, `${env:NAME}`, `${NAME}`, `${NAME:-default}`; anything else in `${}` is left as text. */
const PLACEHOLDER = /\$\{(?:input:([^}]+)|env:([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?)\}/g;
/** `Bearer <token>`: the scheme stays visible, only the token becomes a secret. */
const AUTH_SCHEME = /^([A-Za-z][A-Za-z0-9_-]*\s+)(\S+)$/;
const TYPE_KIND: Readonly<Record<string, EndpointKind>> = {
  http: 'mcp', 'streamable-http': 'mcp', streamablehttp: 'mcp', sse: 'mcp-sse',
};
const STDIO_TYPES = new Set(['stdio', 'local']);
/** Gemini CLI also expands a bare `$NAME` in every settings string: rewritten to `${NAME}` first. */
const BARE_VAR = /\$([A-Za-z_][A-Za-z0-9_]*)/g;

function secretPart(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60) || '_';
}

/** Servers of one parsed file: the object under its section, plus VS Code's input declarations. */
function entriesOf(parsed: ParsedSource, problems: string[]): { servers: [string, unknown][]; inputs: Map<string, string> } {
  const { source, value } = parsed;
  const inputs = new Map<string, string>();
  if (!isObject(value)) {
    if (value !== undefined) problems.push(`${source.label}: expected a JSON object`);
    return { servers: [], inputs };
  }
  let holder: unknown;
  let where: string;
  switch (source.section.kind) {
    case 'servers':
      holder = value;
      where = 'servers';
      break;
    case 'mcp-setting':
      holder = value.mcp;
      where = 'mcp.servers';
      break;
    case 'mcpServers':
      holder = value;
      where = 'mcpServers';
      break;
    case 'claude-project': {
      const projects = value.projects;
      holder = isObject(projects) ? projects[source.section.project] : undefined;
      where = `projects["${source.section.project}"].mcpServers`;
      break;
    }
  }
  if (!isObject(holder)) return { servers: [], inputs };
  const servers = source.section.kind === 'servers' || source.section.kind === 'mcp-setting' ? holder.servers : holder.mcpServers;
  if (Array.isArray(holder.inputs)) {
    for (const input of holder.inputs) {
      if (isObject(input) && typeof input.id === 'string') inputs.set(input.id, typeof input.description === 'string' && input.description ? input.description : input.id);
    }
  }
  if (servers === undefined) return { servers: [], inputs };
  if (!isObject(servers)) {
    problems.push(`${source.label}: "${where}" must be an object of server name to server`);
    return { servers: [], inputs };
  }
  return { servers: Object.entries(servers), inputs };
}

/** Expands environment variables (and `${userHome}`) in a URL; undefined names the missing variable. */
function expandUrl(url: string, options: MapOptions): { url: string } | { missing: string } {
  let missing: string | undefined;
  const out = url.replace(/\$\{userHome\}/g, options.home).replace(PLACEHOLDER, (whole, input: string | undefined, envName: string | undefined, bare: string | undefined, fallback: string | undefined) => {
    if (input !== undefined) {
      missing ??= `\${input:${input}}`;
      return whole;
    }
    const name = envName ?? bare!;
    const value = options.env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    missing ??= name;
    return whole;
  });
  return missing !== undefined ? { missing } : { url: out };
}

interface Mapped {
  readonly key: string;
  readonly source: DiscoverySource;
  readonly kind?: EndpointKind;
  readonly url?: string;
  readonly reason?: string;
  readonly headers: Record<string, string>;
  readonly secrets: SecretRef[];
  readonly literals: Map<string, string>;
  readonly notes: string[];
}

function mapEntry(key: string, entry: unknown, source: DiscoverySource, inputs: Map<string, string>, options: MapOptions): Mapped {
  const base = { key, source, headers: {}, secrets: [], literals: new Map<string, string>(), notes: [] as string[] };
  if (!isObject(entry)) return { ...base, reason: 'not an object' };
  if (entry.disabled === true) return { ...base, reason: 'disabled in its source' };
  const type = typeof entry.type === 'string' ? entry.type.toLowerCase() : typeof entry.transportType === 'string' ? entry.transportType.toLowerCase() : undefined;
  const rawUrl = [entry.httpUrl, entry.serverUrl, entry.url].find((u): u is string => typeof u === 'string' && u.trim() !== '');
  if ((type !== undefined && STDIO_TYPES.has(type)) || (rawUrl === undefined && typeof entry.command === 'string')) {
    return { ...base, reason: 'stdio server (a local command): not a network stream' };
  }
  if (rawUrl === undefined) return { ...base, reason: 'no url' };
  let kind: EndpointKind | undefined;
  if (type !== undefined) kind = TYPE_KIND[type];
  else kind = typeof entry.httpUrl === 'string' ? 'mcp' : source.untypedUrlKind;
  if (!kind) return { ...base, reason: `type "${String(entry.type ?? entry.transportType)}" is not http or sse` };
  const vars = (text: string) => (source.client === 'gemini' ? text.replace(BARE_VAR, '${$1}') : text);
  const expanded = expandUrl(vars(rawUrl.trim()), options);
  if ('missing' in expanded) return { ...base, kind, reason: `its url needs ${expanded.missing}, which is not set` };
  if (entry.headersHelper !== undefined) base.notes.push('headersHelper is never run: the headers it would add are not sent');
  if (entry.oauth !== undefined || entry.auth !== undefined) base.notes.push('its OAuth sign-in is not reused: Stream Health connects without it');

  const secrets: SecretRef[] = [];
  const headers: Record<string, string> = {};
  const literals = new Map<string, string>();
  const addSecret = (ref: SecretRef) => {
    if (!secrets.some((s) => s.name === ref.name)) secrets.push(ref);
  };
  if (isObject(entry.headers)) {
    for (const [header, value] of Object.entries(entry.headers)) {
      if (typeof value !== 'string') continue;
      let placeholders = 0;
      const mapped = vars(value).replace(PLACEHOLDER, (_whole, input: string | undefined, envName: string | undefined, bare: string | undefined, fallback: string | undefined) => {
        placeholders += 1;
        if (input !== undefined) {
          const name = `${INPUT_SECRET_PREFIX}${secretPart(input)}`;
          addSecret({ name, from: 'input', description: inputs.get(input) ?? input });
          return `\${secret:${name}}`;
        }
        const variable = envName ?? bare!;
        const name = `${ENV_SECRET_PREFIX}${variable}`;
        addSecret({ name, from: 'env', description: `${header} header`, envVar: variable, ...(fallback !== undefined ? { defaultValue: fallback } : {}) });
        return `\${secret:${name}}`;
      });
      if (placeholders === 0 && value !== '' && looksSecret(header, value)) {
        // A literal token: the config names it, the value stays in memory (MappedServers.literals).
        const name = `${LITERAL_SECRET_PREFIX}${secretPart(key)}.${secretPart(header)}`;
        const scheme = AUTH_SCHEME.exec(value);
        literals.set(name, scheme ? scheme[2]! : value);
        addSecret({ name, from: 'literal', description: `${header} header` });
        headers[header] = `${scheme ? scheme[1] : ''}\${secret:${name}}`;
      } else {
        headers[header] = mapped;
      }
    }
  }
  return { ...base, kind, url: expanded.url, headers, secrets, literals, notes: base.notes };
}

/** The URL as one endpoint's identity: parsed, without a trailing slash. */
function urlKey(url: string): string {
  try {
    const u = new URL(url);
    if (u.pathname.length > 1 && u.pathname.endsWith('/')) u.pathname = u.pathname.slice(0, -1);
    return u.href;
  } catch {
    return url;
  }
}

/** Every server of every source: merged by URL, uniquely named, validated as endpoint configs. */
export function mapServers(parsed: readonly ParsedSource[], options: MapOptions): MappedServers {
  const problems: string[] = [];
  const groups: Mapped[][] = [];
  const byUrl = new Map<string, Mapped[]>();
  for (const file of parsed) {
    const { servers, inputs } = entriesOf(file, problems);
    for (const [key, entry] of servers) {
      const mapped = mapEntry(key, entry, file.source, inputs, options);
      if (mapped.reason === undefined && mapped.url !== undefined) {
        const id = urlKey(mapped.url);
        const group = byUrl.get(id);
        if (group) {
          group.push(mapped);
          continue;
        }
        byUrl.set(id, [mapped]);
        groups.push(byUrl.get(id)!);
      } else {
        groups.push([mapped]);
      }
    }
  }

  const taken = new Set<string>();
  const uniqueName = (first: Mapped): string => {
    const bare = first.key.trim().slice(0, 60) || 'server';
    let name = taken.has(bare) ? `${bare} (${sourceTag(first.source)})` : bare;
    for (let n = 2; taken.has(name); n++) name = `${bare} (${sourceTag(first.source)} ${n})`;
    taken.add(name);
    return name;
  };

  const servers: DiscoveredServer[] = [];
  const literals = new Map<string, string>();
  for (const group of groups) {
    const first = group[0]!;
    const name = uniqueName(first);
    const sources = [...new Set(group.map((m) => m.source))];
    const entries = group.map((m) => ({ source: m.source, key: m.key }));
    const common = { name, sources, entries, secrets: first.secrets, notes: first.notes, ...(first.kind ? { kind: first.kind } : {}), ...(first.url !== undefined ? { url: first.url } : {}) };
    if (first.reason !== undefined) {
      servers.push({ ...common, status: 'skipped', reason: first.reason });
      continue;
    }
    const raw = { ...options.entryDefaults, name, kind: first.kind, url: first.url, headers: first.headers };
    const { endpoints, issues } = parseEndpoints([raw]);
    const config = endpoints[0];
    if (!config) {
      servers.push({ ...common, status: 'skipped', reason: issues.map((i) => formatConfigIssue(i).replace(/^endpoints\[0\]\./, '')).join('; ') });
      continue;
    }
    for (const [secret, value] of first.literals) literals.set(secret, value);
    servers.push({ ...common, status: 'ready', config });
  }
  return { servers, literals, problems };
}

/** The secrets of a server the host cannot supply now (`has` answers for inputs; env forms read `env`). */
export function missingSecrets(server: Pick<DiscoveredServer, 'secrets'>, env: Readonly<Record<string, string | undefined>>, has: (ref: SecretRef) => boolean): SecretRef[] {
  return server.secrets.filter((ref) => {
    if (ref.from === 'env') return !env[ref.envVar!] && ref.defaultValue === undefined;
    if (ref.from === 'literal') return false;
    return !has(ref);
  });
}
