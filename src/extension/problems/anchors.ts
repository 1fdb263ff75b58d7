// Where an endpoint is defined, for the Problems panel: one AnchorProvider per kind of definition, our
// own `streamHealth.endpoints` entries in user, workspace and folder settings, and a discovered
// server's key in the MCP config file it came from (`.vscode/mcp.json`...), located with jsonc-parser.

import * as vscode from 'vscode';
import { sectionPath } from '../../discovery/sources.ts';
import type { DiscoveredServer } from '../../discovery/mapping.ts';
import { locateEntry, locateKey, positionAt } from '../../shared/jsonc.ts';
import { ENDPOINTS_KEY } from '../settingsReader.ts';
import type { SettingsLevel } from '../settingsModel.ts';

export interface EndpointAnchor {
  readonly uri: vscode.Uri;
  readonly range: vscode.Range;
  /** Set when the entry is a `streamHealth.endpoints` element we may edit (Set heartbeatSeconds). */
  readonly settingsEntry?: { readonly path: readonly string[]; readonly index: number };
}

export interface AnchorProvider {
  /** Undefined: not this provider's endpoint (the next provider is asked). */
  anchorFor(endpoint: string): Promise<EndpointAnchor | undefined>;
  /** Files changed: forget cached text. */
  invalidate(): void;
}

/** First provider with an answer wins. */
export async function findAnchor(providers: readonly AnchorProvider[], endpoint: string): Promise<EndpointAnchor | undefined> {
  for (const provider of providers) {
    const anchor = await provider.anchorFor(endpoint);
    if (anchor) return anchor;
  }
  return undefined;
}

interface Candidate {
  readonly uri: vscode.Uri;
  readonly path: readonly string[];
}

export class SettingsAnchorProvider implements AnchorProvider {
  private readonly origin: (endpoint: string) => SettingsLevel | undefined;
  private readonly userSettings: vscode.Uri;
  private readonly texts = new FileTexts();

  /**
   * `userSettings`: the user settings.json. No API names it; it sits two levels above the
   * extension's globalStorage folder (`<user data>/User/globalStorage/<id>`) on desktop and in
   * code-server alike.
   */
  constructor(origin: (endpoint: string) => SettingsLevel | undefined, userSettings: vscode.Uri) {
    this.origin = origin;
    this.userSettings = userSettings;
  }

  invalidate(): void {
    this.texts.invalidate();
  }

  async anchorFor(endpoint: string): Promise<EndpointAnchor | undefined> {
    const level = this.origin(endpoint);
    if (!level) return undefined;
    for (const candidate of this.candidates(level)) {
      const { uri, text } = await this.texts.read(candidate.uri);
      if (text === undefined) continue;
      const at = locateEntry(text, candidate.path, endpoint);
      if (!at) continue;
      return { uri, range: rangeOf(text, at), settingsEntry: { path: candidate.path, index: at.index } };
    }
    return undefined;
  }

  private candidates(level: SettingsLevel): Candidate[] {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const workspaceFile = vscode.workspace.workspaceFile;
    const folderFile = (folder: vscode.WorkspaceFolder): Candidate => ({ uri: vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json'), path: [ENDPOINTS_KEY] });
    switch (level) {
      case 'user':
        return [{ uri: this.userSettings, path: [ENDPOINTS_KEY] }];
      case 'workspace':
        if (workspaceFile && workspaceFile.scheme !== 'untitled') return [{ uri: workspaceFile, path: ['settings', ENDPOINTS_KEY] }];
        return folders[0] ? [folderFile(folders[0])] : [];
      case 'workspaceFolder':
        return folders.map(folderFile);
    }
  }
}

/**
 * A discovered endpoint's key in the first file that lists it and still has it. Not our settings
 * entry: no settingsEntry, so no "Set heartbeatSeconds" fix (the fix text says what to change there).
 */
export class DiscoveryAnchorProvider implements AnchorProvider {
  private readonly server: (endpoint: string) => DiscoveredServer | undefined;
  private readonly texts = new FileTexts();

  constructor(server: (endpoint: string) => DiscoveredServer | undefined) {
    this.server = server;
  }

  invalidate(): void {
    this.texts.invalidate();
  }

  async anchorFor(endpoint: string): Promise<EndpointAnchor | undefined> {
    const server = this.server(endpoint);
    if (!server) return undefined;
    for (const entry of server.entries) {
      const { uri, text } = await this.texts.read(vscode.Uri.file(entry.source.file));
      if (text === undefined) continue;
      const at = locateKey(text, sectionPath(entry.source.section), entry.key);
      if (at) return { uri, range: rangeOf(text, at) };
    }
    return undefined;
  }
}

function rangeOf(text: string, at: { readonly offset: number; readonly length: number }): vscode.Range {
  const start = positionAt(text, at.offset);
  const end = positionAt(text, at.offset + at.length);
  return new vscode.Range(start.line, start.character, end.line, end.character);
}

/** Files' texts: an open editor's (so ranges match unsaved edits, under its own URI), else the file's, cached until invalidated. */
class FileTexts {
  private readonly texts = new Map<string, Promise<string | undefined>>();

  invalidate(): void {
    this.texts.clear();
  }

  async read(file: vscode.Uri): Promise<{ uri: vscode.Uri; text: string | undefined }> {
    const open = openDocumentFor(file);
    if (open) return { uri: open.uri, text: open.getText() };
    const key = file.toString();
    let cached = this.texts.get(key);
    if (!cached) {
      cached = Promise.resolve(vscode.workspace.fs.readFile(file)).then((bytes) => new TextDecoder().decode(bytes), () => undefined);
      this.texts.set(key, cached);
    }
    return { uri: file, text: await cached };
  }
}

/** The open document for this file under any scheme (desktop opens user settings as vscode-userdata:). */
export function openDocumentFor(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())
    ?? vscode.workspace.textDocuments.find((d) => d.uri.path === uri.path && (d.uri.scheme === 'vscode-userdata' || d.uri.scheme === 'file'));
}
