// Copy Fix and Set heartbeatSeconds: the Problems panel's quick fixes, also runnable from the palette.
// The heartbeat edit goes through WorkspaceConfiguration.update at the level that defines the entry:
// the only write every host reloads at once (code-server does not notice a file: write to the user
// settings.json). VS Code rewrites the endpoints array, so comments inside that array are lost; the
// rest of the file keeps its comments and layout.

import * as vscode from 'vscode';
import { fixLines } from '../../shared/fixes/index.ts';
import { SECTION } from '../settingsReader.ts';
import { CommandInputError, KEEP_OPEN, type CommandContext } from './context.ts';
import { ALL, pickEndpoint } from './pickEndpoint.ts';

async function endpointArg(ctx: CommandContext, name: unknown, title: string, filter?: Parameters<typeof pickEndpoint>[1]['filter']): Promise<string | undefined> {
  if (typeof name === 'string') return name;
  const picked = await pickEndpoint(ctx.manager, { title, filter });
  return picked === ALL ? undefined : picked;
}

/** Copies the fix of one finding (or every current finding of the endpoint). Returns the text. */
export async function copyFix(ctx: CommandContext, nameArg?: unknown, findingArg?: unknown): Promise<string | undefined> {
  const name = await endpointArg(ctx, nameArg, vscode.l10n.t('Stream Health: Copy Fix'), (s) => s.findings.length > 0);
  if (name === undefined) return undefined;
  const status = ctx.manager.status().find((s) => s.name === name);
  if (!status) throw new CommandInputError(ctx.manager.whyUnavailable(name) ?? `No endpoint named "${name}" is running.`);
  const findings = status.findings.filter((f) => findingArg === undefined || f.finding === findingArg);
  if (findings.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Stream Health: "{0}" has no current finding to fix.', name));
    return undefined;
  }
  // status() is redacted already; the fix lines come from the same snippets as the dashboard's.
  const text = findings.map((f) => [f.fix, ...fixLines(f, status).map((line) => `- ${line}`)].join('\n')).join('\n\n');
  await vscode.env.clipboard.writeText(ctx.redactor.redact(text));
  void vscode.window.showInformationMessage(vscode.l10n.t('Stream Health: fix copied to the clipboard.'));
  return text;
}

/** Sets `heartbeatSeconds` on the entry that defines `name`, in the settings file it lives in. */
export async function setHeartbeatSeconds(ctx: CommandContext, nameArg?: unknown, secondsArg?: unknown): Promise<number | undefined> {
  const name = await endpointArg(ctx, nameArg, vscode.l10n.t('Stream Health: Set heartbeatSeconds'));
  if (name === undefined) return undefined;
  let seconds = typeof secondsArg === 'number' ? secondsArg : undefined;
  if (secondsArg !== undefined && seconds === undefined) throw new CommandInputError('Pass heartbeatSeconds as a number, e.g. ["orders", 20].');
  if (seconds === undefined) {
    const typed = await vscode.window.showInputBox({
      ...KEEP_OPEN,
      title: vscode.l10n.t('Stream Health: heartbeatSeconds for "{0}"', name),
      prompt: vscode.l10n.t('Client heartbeat cadence in seconds (0 turns it off).'),
      validateInput: (v) => (/^\d+(\.\d+)?$/.test(v.trim()) && Number(v) <= 3600 ? undefined : vscode.l10n.t('A number of seconds from 0 to 3600.')),
    });
    if (typed === undefined) return undefined;
    seconds = Number(typed.trim());
  }
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600) throw new CommandInputError(`heartbeatSeconds must be from 0 to 3600, not ${seconds}.`);
  const level = ctx.manager.origin(name);
  const where = level && configurationTarget(level, name);
  if (!where) {
    throw new CommandInputError(`"${name}" is not defined by a streamHealth.endpoints entry this command can edit; change heartbeatSeconds where it is defined.`);
  }
  const config = vscode.workspace.getConfiguration(SECTION, where.scope);
  const inspected = config.inspect<unknown[]>('endpoints');
  const current = where.target === vscode.ConfigurationTarget.Global ? inspected?.globalValue
    : where.target === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.workspaceFolderValue;
  const list = Array.isArray(current) ? current.map((e) => (isNamed(e, name) ? { ...(e as object), heartbeatSeconds: seconds } : e)) : [];
  if (!list.some((e) => isNamed(e, name))) throw new CommandInputError(`No entry named "${name}" in those settings any more; reopen them and retry.`);
  await config.update('endpoints', list, where.target);
  for (const provider of ctx.anchors) provider.invalidate();
  ctx.log.info(`[${name}] heartbeatSeconds set to ${seconds} in ${level} settings (user action)`);
  return seconds;
}

function isNamed(entry: unknown, name: string): boolean {
  return typeof entry === 'object' && entry !== null && (entry as { name?: unknown }).name === name;
}

/** The configuration target (and folder, for folder settings) holding `name`'s entry. */
function configurationTarget(level: 'user' | 'workspace' | 'workspaceFolder', name: string): { target: vscode.ConfigurationTarget; scope?: vscode.Uri } | undefined {
  if (level === 'user') return { target: vscode.ConfigurationTarget.Global };
  if (level === 'workspace') return { target: vscode.ConfigurationTarget.Workspace };
  const folder = (vscode.workspace.workspaceFolders ?? []).find((f) => {
    const value = vscode.workspace.getConfiguration(SECTION, f.uri).inspect<unknown[]>('endpoints')?.workspaceFolderValue;
    return Array.isArray(value) && value.some((e) => isNamed(e, name));
  });
  return folder ? { target: vscode.ConfigurationTarget.WorkspaceFolder, scope: folder.uri } : undefined;
}
