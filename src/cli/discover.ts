// `stream-health discover` and `watch --discover`: the MCP servers other clients already configured
// (src/discovery), listed one row / NDJSON object each, or turned into endpoints for the Monitor. Home
// files follow HOME and XDG_CONFIG_HOME; header values are never printed.

import { withNetwork } from '../core/config.ts';
import { proxyEnvironmentFrom } from '../core/network.ts';
import { homedir } from 'node:os';
import * as path from 'node:path';
import type { EndpointConfig } from '../core/config.ts';
import type { SecretResolver } from '../core/secrets.ts';
import { redactUrl } from '../core/secrets.ts';
import type { DiscoveryResult } from '../discovery/discover.ts';
import { discover, formatProblem } from '../discovery/discover.ts';
import type { DiscoveredServer, SecretRef } from '../discovery/mapping.ts';
import { missingSecrets } from '../discovery/mapping.ts';
import { discoverySecrets, discoverySecretValues, withDiscoverySecrets } from '../discovery/resolver.ts';
import { discoverySources } from '../discovery/sources.ts';
import type { DiscoverCommand, WatchCommand } from './args.ts';
import type { EndpointInput } from './endpoints.ts';
import { applyOverrides, CliConfigError, envSecretResolver, envSecretValues, secretEnvName } from './endpoints.ts';
import type { CliIo } from './io.ts';
import { lineWriter } from './io.ts';
import { ndjson } from './render.ts';
import { EXIT } from './usage.ts';

export type CliDiscoveredStatus = 'ready' | 'needs-secret' | 'skipped';

export interface CliDiscovered {
  readonly server: DiscoveredServer;
  readonly status: CliDiscoveredStatus;
  readonly reason?: string;
}

/** Where to look: the home of HOME (not the passwd entry, so tests and containers can point it anywhere). */
export function runDiscovery(workspace: string | undefined, env: NodeJS.ProcessEnv, entryDefaults: Record<string, unknown> = {}): DiscoveryResult {
  const home = env.HOME || env.USERPROFILE || homedir();
  const sources = discoverySources({
    home,
    platform: process.platform,
    ...(env.XDG_CONFIG_HOME ? { xdgConfigHome: env.XDG_CONFIG_HOME } : {}),
    ...(env.APPDATA ? { appData: env.APPDATA } : {}),
    workspaceFolders: [path.resolve(workspace ?? process.cwd())],
  });
  return discover(sources, { env, home, entryDefaults });
}

/** How the CLI would supply a secret: `${input:}` and our own names from STREAM_HEALTH_SECRET_*, env forms from their variable. */
function secretHowTo(ref: SecretRef): string {
  return ref.from === 'env' ? ref.envVar! : `${secretEnvName(ref.name)} (${ref.description})`;
}

export function classify(result: DiscoveryResult, env: NodeJS.ProcessEnv): CliDiscovered[] {
  return result.servers.map((server) => {
    if (server.status === 'skipped') return { server, status: 'skipped', reason: server.reason! };
    const missing = missingSecrets(server, env, (ref) => Boolean(env[secretEnvName(ref.name)]));
    if (missing.length > 0) return { server, status: 'needs-secret', reason: `set ${missing.map(secretHowTo).join(', ')}` };
    return { server, status: 'ready' };
  });
}

function record(row: CliDiscovered): Record<string, unknown> {
  const { server } = row;
  return {
    name: server.name,
    ...(server.kind ? { kind: server.kind } : {}),
    ...(server.url !== undefined ? { url: redactUrl(server.url) } : {}),
    sources: server.sources.map((s) => s.file),
    status: row.status,
    ...(row.reason ? { reason: row.reason } : {}),
    // Names and where each comes from; never a value.
    secrets: server.secrets.map((s) => ({ name: s.name, from: s.from, ...(s.envVar ? { env: s.envVar } : {}) })),
    ...(server.notes.length ? { notes: server.notes } : {}),
  };
}

export function runDiscover(command: DiscoverCommand, io: CliIo): number {
  const result = runDiscovery(command.workspace, io.env);
  const scrub = [...envSecretValues(io.env), ...discoverySecretValues(io.env, result)];
  const out = lineWriter(io.stdout, scrub);
  const err = lineWriter(io.stderr, scrub);
  for (const problem of [...result.fileProblems.map(formatProblem), ...result.problems]) err(`stream-health: warning: ${problem}`);
  const rows = classify(result, io.env);
  if (command.json) {
    for (const row of rows) out(ndjson(record(row)));
    return EXIT.ok;
  }
  if (rows.length === 0) {
    out('No MCP servers found (looked in .vscode/mcp.json, .mcp.json, .cursor/mcp.json, .gemini/settings.json of the workspace, and the VS Code, Claude Code, Cursor, Windsurf and Gemini CLI files of your home).');
    return EXIT.ok;
  }
  const table = rows.map((r) => [r.server.name, r.server.kind ?? '-', r.status, r.server.url !== undefined ? redactUrl(r.server.url) : '-', r.server.sources.map((s) => s.label).join(', ')]);
  const header = ['NAME', 'KIND', 'STATUS', 'URL', 'SOURCES'];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  out(line(header));
  rows.forEach((row, i) => {
    out(line(table[i]!));
    if (row.reason) out(`  ${row.status === 'skipped' ? 'skipped' : 'needs a secret'}: ${row.reason}`);
    for (const note of row.server.notes) out(`  note: ${note}`);
  });
  const ready = rows.filter((r) => r.status === 'ready').length;
  out('');
  out(`${ready} of ${rows.length} ready: "stream-health watch --discover${command.workspace ? ` --workspace ${command.workspace}` : ''}" monitors them.`);
  return EXIT.ok;
}

export interface DiscoveredEndpoints {
  readonly endpoints: EndpointConfig[];
  readonly warnings: string[];
  readonly resolveSecret: SecretResolver;
  /** Every secret value the run may use, for scrubbing output. */
  readonly secrets: string[];
}

/** `watch --discover`: every ready server (and needs-secret ones the environment now supplies). */
export function loadDiscovered(command: WatchCommand, io: Pick<CliIo, 'env'>): DiscoveredEndpoints {
  const input: EndpointInput = command;
  const entryDefaults = applyOverrides({}, input) as Record<string, unknown>;
  const result = runDiscovery(command.workspace, io.env, entryDefaults);
  const rows = classify(result, io.env);
  const warnings = [...result.fileProblems.map(formatProblem), ...result.problems];
  for (const row of rows) {
    if (row.status !== 'ready') warnings.push(`${row.server.name}: not watched (${row.status}: ${row.reason})`);
  }
  const endpoints = withNetwork(rows.filter((r) => r.status === 'ready').map((r) => r.server.config!), proxyEnvironmentFrom(io.env), command.network.systemCertificates);
  if (endpoints.length === 0) {
    throw new CliConfigError('discovered MCP servers', [
      rows.length === 0 ? 'none found; run "stream-health discover" to see where it looks' : 'none is ready to watch:',
      ...rows.map((r) => `${r.server.name}: ${r.status}: ${r.reason}`),
    ]);
  }
  return {
    endpoints,
    warnings,
    resolveSecret: withDiscoverySecrets(envSecretResolver(io.env), io.env, discoverySecrets(result)),
    secrets: [...envSecretValues(io.env), ...discoverySecretValues(io.env, result)],
  };
}
