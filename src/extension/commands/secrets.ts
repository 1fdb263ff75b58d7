// Set Header Secret… / Clear Header Secret…: manage the SecretStorage values behind
// `${secret:NAME}` placeholders. Endpoints using a changed secret reconnect (endpointManager.ts).

import * as vscode from 'vscode';
import { secretNames } from '../../core/config.ts';
import { ENV_SECRET_PREFIX, LITERAL_SECRET_PREFIX } from '../../discovery/mapping.ts';
import { validateSecretName } from '../addEndpointInput.ts';
import { CommandInputError, KEEP_OPEN, type CommandContext } from './context.ts';

/**
 * Secret names the configured endpoints refer to, with the endpoints that use each. A discovered
 * server's `env.X` (the environment) and in-memory literal tokens are not SecretStorage values.
 */
function referenced(ctx: CommandContext): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const stored = (n: string) => !n.startsWith(ENV_SECRET_PREFIX) && !n.startsWith(LITERAL_SECRET_PREFIX);
  for (const e of ctx.manager.endpoints()) for (const n of secretNames(e).filter(stored)) map.set(n, [...(map.get(n) ?? []), e.name]);
  return map;
}

async function pickSecretName(ctx: CommandContext, title: string, allowOther: boolean): Promise<string | undefined> {
  const refs = referenced(ctx);
  const items: (vscode.QuickPickItem & { secret?: string })[] = [];
  for (const [name, users] of refs) {
    items.push({ label: name, description: (await ctx.secrets.has(name)) ? 'set' : 'not set', detail: `used by ${users.join(', ')}`, secret: name });
  }
  if (allowOther) items.push({ label: '$(edit) Another name…', alwaysShow: true });
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Stream Health: no endpoint header refers to a ${secret:NAME} placeholder.');
    return undefined;
  }
  const choice = items.length === 1 && !allowOther ? items[0] : await vscode.window.showQuickPick(items, { title, placeHolder: 'Which secret?', ...KEEP_OPEN });
  if (!choice) return undefined;
  if (choice.secret) return choice.secret;
  const typed = await vscode.window.showInputBox({ title, prompt: 'Secret name, as in ${secret:NAME}', validateInput: validateSecretName, ...KEEP_OPEN });
  return typed?.trim();
}

/** `(name?, value?)`: with both, stores without prompting (automation). Returns true when stored. */
export async function setHeaderSecret(ctx: CommandContext, name?: string, value?: string): Promise<boolean> {
  const title = 'Stream Health: Set Header Secret';
  const secret = name ?? (await pickSecretName(ctx, title, true));
  if (!secret) return false;
  const problem = validateSecretName(secret);
  if (problem) throw new CommandInputError(`Stream Health: invalid secret name: ${problem}.`);
  const text = value ?? (await vscode.window.showInputBox({
    title,
    prompt: `Value for \${secret:${secret}} (kept in VS Code SecretStorage, never in settings)`,
    password: true,
    ...KEEP_OPEN,
    validateInput: (t) => (t ? undefined : 'Enter a value (use Clear Header Secret to remove one)'),
  }));
  if (!text) return false;
  await ctx.secrets.set(secret, text);
  const users = referenced(ctx).get(secret) ?? [];
  ctx.log.info(`secret ${secret} stored${users.length ? `; reconnecting ${users.join(', ')}` : ''}`);
  if (value === undefined) void vscode.window.showInformationMessage(`Stream Health: secret ${secret} stored.${users.length ? ` Reconnecting ${users.join(', ')}.` : ''}`);
  return true;
}

/** `(name?)`: with a name, deletes without prompting. Returns true when something was deleted. */
export async function clearHeaderSecret(ctx: CommandContext, name?: string): Promise<boolean> {
  const secret = name ?? (await pickSecretName(ctx, 'Stream Health: Clear Header Secret', false));
  if (!secret) return false;
  const existed = await ctx.secrets.has(secret);
  await ctx.secrets.delete(secret);
  ctx.log.info(`secret ${secret} ${existed ? 'cleared' : 'was not set'}`);
  if (name === undefined) void vscode.window.showInformationMessage(`Stream Health: secret ${secret} ${existed ? 'cleared' : 'was not set'}.`);
  return existed;
}
