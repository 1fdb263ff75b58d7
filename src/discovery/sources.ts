// Where other MCP clients keep their server lists (VS Code, Claude Code, Cursor, Windsurf, Gemini CLI):
// one table of files per client and scope, resolved against a home directory and the open folders.

import * as path from 'node:path';

/** The clients we read, in the order that wins a name clash; also the values of the `sources` list setting. */
export const DISCOVERY_CLIENTS = ['vscode', 'claude-code', 'cursor', 'windsurf', 'gemini'] as const;
export type DiscoveryClient = (typeof DISCOVERY_CLIENTS)[number];

/** Where in the file the servers are. */
export type SourceSection =
  | { readonly kind: 'servers' } // VS Code mcp.json: { servers, inputs }
  | { readonly kind: 'mcp-setting' } // VS Code settings.json, legacy: { "mcp": { servers, inputs } }
  | { readonly kind: 'mcpServers' } // Claude, Cursor, Windsurf, Gemini: { mcpServers }
  | { readonly kind: 'claude-project'; readonly project: string }; // ~/.claude.json projects["<abs>"].mcpServers

/** The JSON path of the object of server name to server in a source's file (for locating a server's key). */
export function sectionPath(section: SourceSection): string[] {
  switch (section.kind) {
    case 'servers':
      return ['servers'];
    case 'mcp-setting':
      return ['mcp', 'servers'];
    case 'mcpServers':
      return ['mcpServers'];
    case 'claude-project':
      return ['projects', section.project, 'mcpServers'];
  }
}

export interface DiscoverySource {
  readonly client: DiscoveryClient;
  /** Workspace files are read only in a trusted workspace; user files always. */
  readonly scope: 'user' | 'workspace';
  /** Absolute path of the file. */
  readonly file: string;
  /** What the user recognises: `.vscode/mcp.json` (relative to its folder) or `~/.cursor/mcp.json`. */
  readonly label: string;
  readonly section: SourceSection;
  /** Gemini's untyped `url` is SSE; the other clients' untyped `url` is Streamable HTTP first. */
  readonly untypedUrlKind: 'mcp' | 'mcp-sse';
}

export interface SourceLocations {
  readonly home: string;
  /** `$XDG_CONFIG_HOME` when set (Linux); the VS Code user folder lives under it. */
  readonly xdgConfigHome?: string;
  /** `%APPDATA%` on Windows. */
  readonly appData?: string;
  readonly platform: NodeJS.Platform;
  /** VS Code's `User` folder of the current profile, when the host knows it (the extension does); else derived. */
  readonly vscodeUserDir?: string;
  /** Absolute paths of the open workspace folders (CLI: --workspace, default none). */
  readonly workspaceFolders: readonly string[];
  /** Restrict to these clients; default all. */
  readonly clients?: readonly DiscoveryClient[];
}

/** Desktop VS Code's `User` folder: `~/.config/Code/User` on Linux (XDG respected), and the macOS/Windows equivalents. */
export function defaultVscodeUserDir(loc: Pick<SourceLocations, 'home' | 'xdgConfigHome' | 'appData' | 'platform'>): string {
  if (loc.platform === 'darwin') return path.join(loc.home, 'Library', 'Application Support', 'Code', 'User');
  if (loc.platform === 'win32') return path.join(loc.appData ?? path.join(loc.home, 'AppData', 'Roaming'), 'Code', 'User');
  return path.join(loc.xdgConfigHome || path.join(loc.home, '.config'), 'Code', 'User');
}

/** Every file to read, in precedence order (the first source of a name keeps the bare name). */
export function discoverySources(loc: SourceLocations): DiscoverySource[] {
  const wanted = new Set<DiscoveryClient>(loc.clients ?? DISCOVERY_CLIENTS);
  const home = (rel: string) => ({ file: path.join(loc.home, rel), label: `~/${rel}` });
  const userDir = loc.vscodeUserDir ?? defaultVscodeUserDir(loc);
  const tilde = (file: string) => (file.startsWith(loc.home + path.sep) ? `~/${path.relative(loc.home, file).split(path.sep).join('/')}` : file);
  const out: DiscoverySource[] = [];
  const add = (client: DiscoveryClient, scope: DiscoverySource['scope'], where: { file: string; label: string }, section: SourceSection, untypedUrlKind: 'mcp' | 'mcp-sse' = 'mcp') => {
    if (wanted.has(client)) out.push({ client, scope, ...where, section, untypedUrlKind });
  };
  const inFolder = (folder: string, rel: string) => ({
    file: path.join(folder, rel),
    label: loc.workspaceFolders.length > 1 ? `${path.basename(folder)}/${rel}` : rel,
  });
  for (const folder of loc.workspaceFolders) {
    add('vscode', 'workspace', inFolder(folder, '.vscode/mcp.json'), { kind: 'servers' });
    add('vscode', 'workspace', inFolder(folder, '.vscode/settings.json'), { kind: 'mcp-setting' });
  }
  add('vscode', 'user', { file: path.join(userDir, 'mcp.json'), label: tilde(path.join(userDir, 'mcp.json')) }, { kind: 'servers' });
  add('vscode', 'user', { file: path.join(userDir, 'settings.json'), label: tilde(path.join(userDir, 'settings.json')) }, { kind: 'mcp-setting' });
  for (const folder of loc.workspaceFolders) add('claude-code', 'workspace', inFolder(folder, '.mcp.json'), { kind: 'mcpServers' });
  // Local scope lives in the user's file but names this folder: it is the user's own choice, so not workspace-gated.
  for (const folder of loc.workspaceFolders) add('claude-code', 'user', home('.claude.json'), { kind: 'claude-project', project: folder });
  add('claude-code', 'user', home('.claude.json'), { kind: 'mcpServers' });
  for (const folder of loc.workspaceFolders) add('cursor', 'workspace', inFolder(folder, '.cursor/mcp.json'), { kind: 'mcpServers' });
  add('cursor', 'user', home('.cursor/mcp.json'), { kind: 'mcpServers' });
  add('windsurf', 'user', home('.codeium/windsurf/mcp_config.json'), { kind: 'mcpServers' });
  for (const folder of loc.workspaceFolders) add('gemini', 'workspace', inFolder(folder, '.gemini/settings.json'), { kind: 'mcpServers' }, 'mcp-sse');
  add('gemini', 'user', home('.gemini/settings.json'), { kind: 'mcpServers' }, 'mcp-sse');
  return out;
}

/** A short, stable tag for a source, used as the suffix of a clashing name: `cursor`, `vscode-user`. */
export function sourceTag(source: DiscoverySource): string {
  return source.scope === 'user' && source.client === 'vscode' ? 'vscode-user' : source.scope === 'workspace' && source.client !== 'vscode' ? `${source.client}-workspace` : source.client;
}
