// Add Endpoint…: a guided multi-step input (kind, URL, name, heartbeat, optional secret header,
// where to save) validated as the user types, written with `WorkspaceConfiguration.update`.
// Automation passes the entry object (and target) and skips every prompt.

import * as vscode from 'vscode';
import { ENDPOINT_KINDS, parseEndpoints, formatConfigIssue, secretNames, DEFAULTS } from '../../core/config.ts';
import { StreamHealthError } from '../../core/errors.ts';
import { KIND_INFO } from '../../core/kinds.ts';
import {
  buildEntry, isEndpointKind, suggestName, suggestSecretName,
  validateHeaderName, validateHeartbeat, validateName, validateSecretName, validateUrl,
} from '../addEndpointInput.ts';
import { appendEndpoint } from '../settingsReader.ts';
import { KEEP_OPEN, type CommandContext } from './context.ts';

export type SettingsTarget = 'user' | 'workspace';

const TOTAL_STEPS = 6;

export class AddEndpointError extends StreamHealthError {
  constructor(message: string) {
    super('SH_ERR_ADD_ENDPOINT', message);
    this.name = 'AddEndpointError';
  }
}

function takenNames(ctx: CommandContext): string[] {
  return [...ctx.manager.endpoints().map((e) => e.name), ...ctx.manager.blocked().map((b) => b.name)];
}

function checkTarget(target: SettingsTarget): void {
  if (target === 'workspace' && !vscode.workspace.workspaceFolders?.length) {
    throw new AddEndpointError('Stream Health: no folder is open, so there are no workspace settings; save to user settings instead.');
  }
  // Guarded here too, not only in the UI: an untrusted workspace's settings are never ours to extend.
  if (target === 'workspace' && !vscode.workspace.isTrusted) {
    throw new AddEndpointError('Stream Health: this workspace is not trusted, so endpoints in its settings would not run; save to user settings or trust the workspace first.');
  }
}

/** Automation path: validates the whole entry with config.ts and writes it. Returns the entry. */
async function addGiven(ctx: CommandContext, entry: unknown, target: SettingsTarget): Promise<Record<string, unknown>> {
  if (target !== 'user' && target !== 'workspace') throw new AddEndpointError(`Stream Health: target must be "user" or "workspace", not ${JSON.stringify(target)}.`);
  const parsed = parseEndpoints([entry]);
  if (parsed.issues.length > 0) throw new AddEndpointError(`Stream Health: invalid endpoint: ${parsed.issues.map(formatConfigIssue).join('; ')}`);
  const name = parsed.endpoints[0]!.name;
  if (takenNames(ctx).includes(name)) throw new AddEndpointError(`Stream Health: an endpoint named "${name}" already exists; names must be unique.`);
  checkTarget(target);
  await appendEndpoint(entry as Record<string, unknown>, target);
  ctx.log.info(`[${name}] added to ${target} settings`);
  return entry as Record<string, unknown>;
}

function input(step: number, options: vscode.InputBoxOptions): Thenable<string | undefined> {
  return vscode.window.showInputBox({ ...options, title: `Stream Health: Add Endpoint (${step}/${TOTAL_STEPS})`, ...KEEP_OPEN });
}

/** Interactive path; undefined when the user cancels at any step. */
async function addInteractive(ctx: CommandContext): Promise<Record<string, unknown> | undefined> {
  const title = (step: number) => `Stream Health: Add Endpoint (${step}/${TOTAL_STEPS})`;
  const kindPick = await vscode.window.showQuickPick(
    ENDPOINT_KINDS.map((kind) => ({ label: kind, description: KIND_INFO[kind].description })),
    { title: title(1), placeHolder: 'What kind of stream?', ...KEEP_OPEN },
  );
  if (!kindPick || !isEndpointKind(kindPick.label)) return undefined;
  const kind = kindPick.label;

  const url = await input(2, { prompt: 'Stream URL', placeHolder: KIND_INFO[kind].urlPlaceholder, validateInput: (t) => validateUrl(kind, t) });
  if (url === undefined) return undefined;

  const taken = takenNames(ctx);
  const name = await input(3, { prompt: 'A unique name, shown in the status bar, log and dashboard', value: suggestName(url.trim(), taken), validateInput: (t) => validateName(t, taken) });
  if (name === undefined) return undefined;

  const heartbeat = await input(4, {
    prompt: 'Client heartbeat / liveness check every N seconds (0 = off). The idle window is set to 3 x this.',
    value: String(DEFAULTS.heartbeatSeconds),
    validateInput: validateHeartbeat,
  });
  if (heartbeat === undefined) return undefined;

  let header: { name: string; value: string } | undefined;
  const headerPick = await vscode.window.showQuickPick(
    [
      { label: 'No header', id: 'none' as const },
      { label: 'Authorization: Bearer <secret>', description: 'token kept in VS Code SecretStorage', id: 'bearer' as const },
      { label: 'Another header with a secret value…', id: 'custom' as const },
    ],
    { title: title(5), placeHolder: 'Does the stream need an authentication header?', ...KEEP_OPEN },
  );
  if (!headerPick) return undefined;
  if (headerPick.id !== 'none') {
    let headerName = 'Authorization';
    if (headerPick.id === 'custom') {
      const h = await input(5, { prompt: 'Header name', placeHolder: 'X-Api-Key', validateInput: validateHeaderName });
      if (h === undefined) return undefined;
      headerName = h.trim();
    }
    const secretName = await input(5, { prompt: 'Name for the secret (stored in SecretStorage, referenced as ${secret:NAME})', value: suggestSecretName(name), validateInput: validateSecretName });
    if (secretName === undefined) return undefined;
    const value = await input(5, { prompt: `Value of ${secretName.trim()} (never written to settings)`, password: true, validateInput: (t) => (t ? undefined : 'Enter the secret value') });
    if (value === undefined) return undefined;
    await ctx.secrets.set(secretName.trim(), headerPick.id === 'bearer' ? value.replace(/^Bearer\s+/i, '') : value);
    const placeholder = '${secret:' + secretName.trim() + '}';
    header = { name: headerName, value: headerPick.id === 'bearer' ? `Bearer ${placeholder}` : placeholder };
  }

  const targets: (vscode.QuickPickItem & { target: SettingsTarget })[] = [{ label: 'User settings', description: 'all your workspaces', target: 'user' }];
  // An untrusted workspace's settings would never run it, so it is not offered.
  if (vscode.workspace.workspaceFolders?.length && vscode.workspace.isTrusted) {
    targets.push({ label: 'Workspace settings', description: 'this workspace only (.vscode/settings.json)', target: 'workspace' });
  }
  const targetPick = targets.length === 1 ? targets[0] : await vscode.window.showQuickPick(targets, { title: title(6), placeHolder: 'Save the endpoint in…', ...KEEP_OPEN });
  if (!targetPick) return undefined;

  const entry = buildEntry({ kind, url, name, heartbeatSeconds: Number(heartbeat.trim()), header });
  return addGiven(ctx, entry, targetPick.target);
}

/**
 * `streamHealth.addEndpoint` — no arguments: the guided input. `(entry, target?)`: write `entry`
 * (a settings object) to `target` ('user' by default) after full validation; throws when invalid.
 */
export async function addEndpoint(ctx: CommandContext, entry?: unknown, target: SettingsTarget = 'user'): Promise<Record<string, unknown> | undefined> {
  const added = entry === undefined ? await addInteractive(ctx) : await addGiven(ctx, entry, target);
  if (added && entry === undefined) {
    const missing = secretNames({ headers: (added.headers as Record<string, string>) ?? {} });
    void vscode.window.showInformationMessage(`Stream Health: added "${String(added.name)}"${missing.length ? ` (header secret ${missing.join(', ')} stored in SecretStorage)` : ''}. Its health shows in the status bar.`);
  }
  return added;
}
