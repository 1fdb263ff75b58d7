// Add Endpoint…: a guided multi-step input (kind, URL, name, heartbeat, optional secret header,
// optional proxy / client certificate, where to save) validated as the user types, written with `WorkspaceConfiguration.update`.
// Automation passes the entry object (and target) and skips every prompt.

import * as vscode from 'vscode';
import { ENDPOINT_KINDS, parseEndpoints, formatConfigIssue, secretNames, DEFAULTS } from '../../core/config.ts';
import { StreamHealthError } from '../../core/errors.ts';
import { KIND_INFO } from '../../core/kinds.ts';
import {
  buildEntry, isEndpointKind, suggestName, suggestSecretName,
  validateHeaderName, validateHeartbeat, validateName, validateProxy, validateSecretName, validateUrl,
} from '../addEndpointInput.ts';
import type { NewEndpointAnswers } from '../addEndpointInput.ts';
import { appendEndpoint } from '../settingsReader.ts';
import { KEEP_OPEN, type CommandContext } from './context.ts';

export type SettingsTarget = 'user' | 'workspace';

const TOTAL_STEPS = 7;

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

  const network = await askNetwork(ctx, name.trim());
  if (network === undefined) return undefined;

  const targets: (vscode.QuickPickItem & { target: SettingsTarget })[] = [{ label: 'User settings', description: 'all your workspaces', target: 'user' }];
  // An untrusted workspace's settings would never run it, so it is not offered.
  if (vscode.workspace.workspaceFolders?.length && vscode.workspace.isTrusted) {
    targets.push({ label: 'Workspace settings', description: 'this workspace only (.vscode/settings.json)', target: 'workspace' });
  }
  const targetPick = targets.length === 1 ? targets[0] : await vscode.window.showQuickPick(targets, { title: title(7), placeHolder: 'Save the endpoint in…', ...KEEP_OPEN });
  if (!targetPick) return undefined;

  const entry = buildEntry({ kind, url, name, heartbeatSeconds: Number(heartbeat.trim()), header, ...network });
  return addGiven(ctx, entry, targetPick.target);
}

type NetworkAnswers = Pick<NewEndpointAnswers, 'proxy' | 'clientCertificate'>;

/** Step 6: the network path, defaulting to VS Code's proxy settings and trust. Undefined = cancelled. */
async function askNetwork(ctx: CommandContext, endpointName: string): Promise<NetworkAnswers | undefined> {
  const pick = await vscode.window.showQuickPick(
    [
      { label: 'Default network', description: "VS Code's proxy settings (http.proxy) and trusted certificates", id: 'default' as const },
      { label: 'Through a specific proxy…', description: 'or "off" to bypass the proxy', id: 'proxy' as const },
      { label: 'With a client certificate (mutual TLS)…', id: 'cert' as const },
    ],
    { title: `Stream Health: Add Endpoint (6/${TOTAL_STEPS})`, placeHolder: 'How does the stream reach its server?', ...KEEP_OPEN },
  );
  if (!pick) return undefined;
  if (pick.id === 'default') return {};
  if (pick.id === 'proxy') {
    const proxy = await input(6, { prompt: 'Proxy URL http://[user@]host:port, or off. The password is asked next, as a secret.', placeHolder: 'http://proxy.corp:3128', validateInput: validateProxy });
    if (proxy === undefined) return undefined;
    const url = proxy.trim();
    if (url === 'off' || !new URL(url).username || new URL(url).password) return { proxy: url };
    const password = await input(6, { prompt: `Password for proxy user "${decodeURIComponent(new URL(url).username)}" (kept in SecretStorage; empty = none)`, password: true });
    if (password === undefined) return undefined;
    if (!password) return { proxy: url };
    const secretName = `${suggestSecretName(endpointName).replace(/_TOKEN$/, '')}_PROXY`;
    await ctx.secrets.set(secretName, password);
    const parsed = new URL(url);
    return { proxy: `${parsed.protocol}//${parsed.username}:\${secret:${secretName}}@${parsed.host}` };
  }
  const certFile = await input(6, { prompt: 'Client certificate file (PEM)', placeHolder: '/path/to/client.crt', validateInput: (t) => (t.trim() ? undefined : 'Enter the path of the PEM certificate') });
  if (certFile === undefined) return undefined;
  const keyFile = await input(6, { prompt: 'Its private key file (PEM)', placeHolder: '/path/to/client.key', validateInput: (t) => (t.trim() ? undefined : 'Enter the path of the PEM key') });
  if (keyFile === undefined) return undefined;
  const passphrase = await input(6, { prompt: 'Passphrase of the key (kept in SecretStorage; empty if the key is not encrypted)', password: true });
  if (passphrase === undefined) return undefined;
  if (!passphrase) return { clientCertificate: { certFile, keyFile } };
  const secretName = `${suggestSecretName(endpointName).replace(/_TOKEN$/, '')}_KEY_PASSPHRASE`;
  await ctx.secrets.set(secretName, passphrase);
  return { clientCertificate: { certFile, keyFile, keyPassphrase: `\${secret:${secretName}}` } };
}

/**
 * `streamHealth.addEndpoint` — no arguments: the guided input. `(entry, target?)`: write `entry`
 * (a settings object) to `target` ('user' by default) after full validation; throws when invalid.
 */
export async function addEndpoint(ctx: CommandContext, entry?: unknown, target: SettingsTarget = 'user'): Promise<Record<string, unknown> | undefined> {
  const added = entry === undefined ? await addInteractive(ctx) : await addGiven(ctx, entry, target);
  if (added && entry === undefined) {
    const stored = secretNames({
      headers: (added.headers as Record<string, string>) ?? {},
      proxy: typeof added.proxy === 'string' ? added.proxy : '',
      tls: { keyPassphrase: String((added.tls as { keyPassphrase?: string } | undefined)?.keyPassphrase ?? '') },
    });
    void vscode.window.showInformationMessage(`Stream Health: added "${String(added.name)}"${stored.length ? ` (secret ${stored.join(', ')} stored in SecretStorage)` : ''}. Its health shows in the status bar.`);
  }
  return added;
}
