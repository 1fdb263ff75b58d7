// Reads the Stream Health settings from VS Code as layers (user, workspace, each folder) for
// settingsModel.ts. In an untrusted workspace VS Code hides restricted workspace values, so the
// workspace settings files are read directly, only to name the endpoints that were not started.

import * as vscode from 'vscode';
import { parseJsonc, settingValue } from '../shared/jsonc.ts';
import { networkFromSettings } from './proxySettings.ts';
import type { ExtensionNetwork } from './proxySettings.ts';
import type { EndpointDefaults, SettingsLayer } from './settingsModel.ts';

export const SECTION = 'streamHealth';
export const ENDPOINTS_KEY = 'streamHealth.endpoints';

export interface SettingsSnapshot {
  readonly layers: SettingsLayer[];
  readonly defaults: EndpointDefaults;
  readonly notifications: boolean;
  /** VS Code's http.* proxy and certificate settings, for endpoints whose proxy is "auto". */
  readonly network: ExtensionNetwork;
}

/** The VS Code settings section whose changes re-route `proxy: "auto"` endpoints. */
export const HTTP_SECTION = 'http';

async function readSettingsFile(uri: vscode.Uri, key: (json: unknown) => unknown): Promise<unknown> {
  try {
    const bytes = await vscode.workspace.fs.readFile(uri);
    return key(parseJsonc(new TextDecoder().decode(bytes)));
  } catch {
    return undefined;
  }
}

export async function readSettings(): Promise<SettingsSnapshot> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const inspected = config.inspect<unknown>('endpoints');
  const layers: SettingsLayer[] = [{ level: 'user', label: 'User settings', value: inspected?.globalValue }];
  let workspaceValue = inspected?.workspaceValue;
  const folders = vscode.workspace.workspaceFolders ?? [];
  const multiRoot = vscode.workspace.workspaceFile !== undefined;

  if (!vscode.workspace.isTrusted && workspaceValue === undefined) {
    // Trust hid the value from inspect(); read the file only to list what was not started.
    if (multiRoot && vscode.workspace.workspaceFile!.scheme !== 'untitled') {
      workspaceValue = await readSettingsFile(vscode.workspace.workspaceFile!, (json) =>
        settingValue(settingValue(json, 'settings'), ENDPOINTS_KEY));
    } else if (folders[0]) {
      workspaceValue = await readSettingsFile(vscode.Uri.joinPath(folders[0].uri, '.vscode', 'settings.json'), (json) => settingValue(json, ENDPOINTS_KEY));
    }
  }
  layers.push({ level: 'workspace', label: 'Workspace settings', value: workspaceValue });

  // Folder-level values only exist as such in a multi-root workspace.
  if (multiRoot) {
    for (const folder of folders) {
      let value = vscode.workspace.getConfiguration(SECTION, folder.uri).inspect<unknown>('endpoints')?.workspaceFolderValue;
      if (value === undefined && !vscode.workspace.isTrusted) {
        value = await readSettingsFile(vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json'), (json) => settingValue(json, ENDPOINTS_KEY));
      }
      layers.push({ level: 'workspaceFolder', label: `Folder "${folder.name}" settings`, value });
    }
  }

  return {
    layers,
    // Restricted like the endpoints: checked here too, not only by VS Code's trust filtering.
    defaults: (vscode.workspace.isTrusted ? config.get<EndpointDefaults>('defaults') : config.inspect<EndpointDefaults>('defaults')?.globalValue) ?? {},
    notifications: config.get<boolean>('notifications', true),
    network: readNetwork(),
  };
}

function readNetwork(): ExtensionNetwork {
  const http = vscode.workspace.getConfiguration(HTTP_SECTION);
  return networkFromSettings({
    proxy: http.get('proxy'),
    noProxy: http.get('noProxy'),
    proxyStrictSSL: http.get('proxyStrictSSL'),
    proxyAuthorization: http.get('proxyAuthorization'),
    proxySupport: http.get('proxySupport'),
    systemCertificates: http.get('systemCertificates'),
  }, process.env);
}

/** Where an Add Endpoint… entry goes; `inspect` so we append to that level's own list, not the merge. */
export async function appendEndpoint(entry: Record<string, unknown>, target: 'user' | 'workspace'): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const inspected = config.inspect<unknown>('endpoints');
  const current = target === 'user' ? inspected?.globalValue : inspected?.workspaceValue;
  const list = Array.isArray(current) ? [...current] : [];
  list.push(entry);
  await config.update('endpoints', list, target === 'user' ? vscode.ConfigurationTarget.Global : vscode.ConfigurationTarget.Workspace);
}
