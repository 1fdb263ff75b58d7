// What the extension does with discovered MCP servers, without vscode: the `streamHealth.discovery`
// setting, the per-server choices remembered in workspace state, which servers run, which are offered,
// and the notification's wording. src/extension/discovery.ts is the VS Code glue around it.

import { SECRET_PLACEHOLDER } from '../core/config.ts';
import type { DiscoveredServer } from '../discovery/mapping.ts';
import type { DiscoveryClient } from '../discovery/sources.ts';
import { DISCOVERY_CLIENTS } from '../discovery/sources.ts';

export type DiscoveryMode = 'ask' | 'all' | 'off';

export interface DiscoverySetting {
  readonly mode: DiscoveryMode;
  /** Only these clients' files are read; undefined = all. */
  readonly clients?: readonly DiscoveryClient[];
  /** A value we could not use, said in one sentence (the setting then acts as "ask"). */
  readonly problem?: string;
}

export const DISCOVERY_DEFAULT: DiscoveryMode = 'ask';

/** `"ask"`, `"all"`, `"off"`, or a list of clients to read (asked like `"ask"`). */
export function parseDiscoverySetting(value: unknown): DiscoverySetting {
  if (value === undefined || value === null) return { mode: DISCOVERY_DEFAULT };
  if (value === 'ask' || value === 'all' || value === 'off') return { mode: value };
  if (Array.isArray(value)) {
    const clients = value.filter((v): v is DiscoveryClient => (DISCOVERY_CLIENTS as readonly unknown[]).includes(v));
    const unknown = value.filter((v) => !(DISCOVERY_CLIENTS as readonly unknown[]).includes(v));
    return {
      mode: 'ask',
      clients,
      ...(unknown.length ? { problem: `streamHealth.discovery: unknown source ${unknown.map((u) => JSON.stringify(u)).join(', ')} ignored; use ${DISCOVERY_CLIENTS.join(', ')}` } : {}),
    };
  }
  return { mode: DISCOVERY_DEFAULT, problem: `streamHealth.discovery must be "ask", "all", "off" or a list of ${DISCOVERY_CLIENTS.join(', ')}; using "ask"` };
}

/** `monitor`: run it; `ignore`: the user said no; `copied`: it now lives in streamHealth.endpoints. */
export type DiscoveryChoice = 'monitor' | 'ignore' | 'copied';
export type DiscoveryChoices = Readonly<Record<string, DiscoveryChoice>>;
export const CHOICES_STATE_KEY = 'streamHealth.discovery.choices';

/**
 * A server's identity across edits: its first source file and its key there. Editing its URL or
 * headers keeps the choice (and restarts the endpoint); renaming it asks again.
 */
export function serverKey(server: Pick<DiscoveredServer, 'name' | 'sources'>): string {
  return `${server.sources[0]?.file ?? ''}#${server.name}`;
}

export interface DiscoveryPlan {
  /** Ready and chosen (or mode `all`): these run. */
  readonly monitor: DiscoveredServer[];
  /** Ready, no choice recorded yet, not asked this session: the notification offers them. */
  readonly ask: DiscoveredServer[];
  /** Ready but not running (declined, not asked yet): the dashboard's Discovered group. */
  readonly available: DiscoveredServer[];
}

export function planDiscovery(servers: readonly DiscoveredServer[], setting: DiscoverySetting, choices: DiscoveryChoices, askedThisSession: ReadonlySet<string>): DiscoveryPlan {
  const plan: DiscoveryPlan = { monitor: [], ask: [], available: [] };
  if (setting.mode === 'off') return plan;
  for (const server of servers) {
    if (server.status !== 'ready') continue;
    const key = serverKey(server);
    const choice = choices[key];
    if (choice === 'copied') continue;
    if (choice === 'monitor' || (setting.mode === 'all' && choice !== 'ignore')) plan.monitor.push(server);
    else {
      plan.available.push(server);
      if (choice === undefined && setting.mode === 'ask' && !askedThisSession.has(key)) plan.ask.push(server);
    }
  }
  return plan;
}

/** "Found 3 MCP servers in .vscode/mcp.json and ~/.cursor/mcp.json" (at most three files named). */
export function foundMessage(servers: readonly DiscoveredServer[]): string {
  const labels = [...new Set(servers.flatMap((s) => s.sources.map((src) => src.label)))];
  const shown = labels.length > 3 ? [...labels.slice(0, 3), `${labels.length - 3} more`] : labels;
  const files = shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : (shown[0] ?? '');
  return `Found ${servers.length} MCP server${servers.length === 1 ? '' : 's'} in ${files}`;
}

/** What a card or tooltip says about where a discovered endpoint comes from. */
export function sourceText(server: Pick<DiscoveredServer, 'sources'>): string {
  return `from ${server.sources.map((s) => s.label).join(', ')}`;
}

/**
 * The `streamHealth.endpoints` entry "Copy to Settings" writes: the mapped headers (only `${secret:}`
 * references for secret values), never a literal token; `rename` maps a literal's in-memory secret
 * name to the SecretStorage name it was moved to.
 */
export function settingsEntry(server: DiscoveredServer, rename: ReadonlyMap<string, string>): Record<string, unknown> {
  const config = server.config!;
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(config.headers)) {
    headers[key] = value.replace(SECRET_PLACEHOLDER, (whole, name: string) => (rename.has(name) ? `\${secret:${rename.get(name)}}` : whole));
  }
  return { name: server.name, kind: config.kind, url: config.url, ...(Object.keys(headers).length ? { headers } : {}) };
}
