// Every Stream Health command's handler (registered in activate() by src/extension/main.ts). Each works
// interactively with no arguments, and also takes arguments so automation (the e2e harness,
// keybindings with "args") can drive it without dialogs.

import * as vscode from 'vscode';
import { errorMessage } from '../../core/util.ts';
import { addEndpoint, type SettingsTarget } from './addEndpoint.ts';
import { endpointName, isAll, type CommandContext } from './context.ts';
import { copyFix, setHeartbeatSeconds } from './fixes.ts';
import { exportReport, type ExportArgs } from './exportReport.ts';
import { measureIdleTimeout, type MeasureArgs } from './measureIdle.ts';
import { ALL, pickEndpoint } from './pickEndpoint.ts';
import type { CommandId } from './ids.ts';
import { clearHeaderSecret, setHeaderSecret } from './secrets.ts';
import { signInEndpoint, signOutEndpoint } from './signIn.ts';

type Action = 'reconnect' | 'pause' | 'resume';

export class Commands {
  private readonly ctx: CommandContext;
  private readonly handlers: Record<CommandId, (...args: unknown[]) => unknown>;

  constructor(ctx: CommandContext) {
    this.ctx = ctx;
    this.handlers = {
      'streamHealth.openDashboard': () => ctx.dashboard.show(),
      'streamHealth.reconnect': (name) => this.act('reconnect', endpointName(name)),
      'streamHealth.reconnectAll': () => this.act('reconnect', '*'),
      'streamHealth.pause': (name) => this.act('pause', endpointName(name)),
      'streamHealth.resume': (name) => this.act('resume', endpointName(name)),
      'streamHealth.addEndpoint': (entry, target) => {
        // A keybinding passes one argument: accept { entry, target } as well as (entry, target).
        if (entry && typeof entry === 'object' && 'entry' in entry) {
          const wrapped = entry as { entry: unknown; target?: SettingsTarget };
          return addEndpoint(ctx, wrapped.entry, wrapped.target ?? 'user');
        }
        return addEndpoint(ctx, entry, (target as SettingsTarget | undefined) ?? 'user');
      },
      'streamHealth.measureIdleTimeout': (name, args) => measureIdleTimeout(ctx, endpointName(name) as string | undefined, (args as MeasureArgs | undefined) ?? {}),
      'streamHealth.setHeaderSecret': (name, value) => setHeaderSecret(ctx, name as string | undefined, value as string | undefined),
      'streamHealth.clearHeaderSecret': (name) => clearHeaderSecret(ctx, name as string | undefined),
      'streamHealth.exportReport': (args) => exportReport(ctx, typeof args === 'string' ? { format: args as ExportArgs['format'] } : (args as ExportArgs | undefined) ?? {}),
      'streamHealth.clearHistory': (name) => this.clearHistory(endpointName(name)),
      'streamHealth.showLog': () => ctx.log.show(),
      // Automation passes { monitor: [names] } to choose exactly those without the Quick Pick; the
      // CodeLens passes { add: [names] }: those as well as the ones already running.
      'streamHealth.discoverMcpServers': async (args) => {
        await ctx.discovery.refresh();
        const { monitor, add } = (args as { monitor?: unknown; add?: unknown } | undefined) ?? {};
        const strings = (list: unknown) => (Array.isArray(list) ? list.filter((n): n is string => typeof n === 'string') : undefined);
        const added = strings(add);
        if (added) return ctx.discovery.pick(undefined, [...ctx.discovery.monitoredNames(), ...added]);
        return ctx.discovery.pick(undefined, strings(monitor));
      },
      'streamHealth.copyDiscoveredToSettings': (name) => ctx.discovery.copyToSettings(typeof name === 'string' ? name : undefined),
      'streamHealth.signIn': (name) => signInEndpoint(ctx, name),
      'streamHealth.signOut': (name) => signOutEndpoint(ctx, name),
      'streamHealth.copyFix': (name, finding) => copyFix(ctx, endpointName(name), finding),
      'streamHealth.setHeartbeatSeconds': (name, seconds) => setHeartbeatSeconds(ctx, endpointName(name), seconds),
    };
  }

  /** Failures become a redacted error notification and a log line, never an unhandled rejection. */
  async run(id: CommandId, args: unknown[]): Promise<unknown> {
    try {
      return await this.handlers[id](...args);
    } catch (error) {
      const message = this.ctx.redactor.redact(errorMessage(error));
      this.ctx.log.error(`${id} failed: ${message}`);
      void vscode.window.showErrorMessage(message.startsWith('Stream Health') ? message : `Stream Health: ${message}`);
      return undefined;
    }
  }

  /** Reconnect / Pause / Resume for one endpoint, all (`'*'`), or via a Quick Pick. Returns the target. */
  private async act(action: Action, arg: unknown): Promise<string | undefined> {
    const { manager } = this.ctx;
    let target: string | typeof ALL | undefined;
    if (isAll(arg)) target = ALL;
    else if (typeof arg === 'string') target = arg;
    else {
      const labels: Record<Action, string> = { reconnect: 'Reconnect All', pause: 'Pause All', resume: 'Resume All' };
      const titles: Record<Action, string> = { reconnect: 'Stream Health: Reconnect', pause: 'Stream Health: Pause Monitoring', resume: 'Stream Health: Resume Monitoring' };
      target = await pickEndpoint(manager, {
        title: titles[action],
        allLabel: labels[action],
        filter: action === 'pause' ? (s) => s.state !== 'paused' : action === 'resume' ? (s) => s.state === 'paused' : undefined,
      });
      if (target === undefined) return undefined;
    }
    if (target !== ALL) {
      const why = manager.whyUnavailable(target);
      if (why) {
        void vscode.window.showWarningMessage(`Stream Health: ${why}`);
        return undefined;
      }
    }
    const name = target === ALL ? undefined : target;
    manager[action](name);
    this.ctx.log.info(`${action} ${name ?? 'all endpoints'} (user action)`);
    return name ?? '*';
  }

  private async clearHistory(arg: unknown): Promise<string | undefined> {
    const { manager } = this.ctx;
    let name: string | undefined;
    if (isAll(arg)) name = undefined;
    else if (typeof arg === 'string') name = arg;
    else {
      const picked = await pickEndpoint(manager, { title: 'Stream Health: Clear History', allLabel: 'All endpoints' });
      if (picked === undefined) return undefined;
      name = picked === ALL ? undefined : picked;
      const confirm = await vscode.window.showWarningMessage(
        `Clear the recorded history of ${name ? `"${name}"` : 'every endpoint'}? Sessions, drops and findings are deleted.`,
        { modal: true },
        'Clear History',
      );
      if (confirm !== 'Clear History') return undefined;
    }
    manager.clearHistory(name);
    this.ctx.log.info(`history cleared for ${name ?? 'all endpoints'}`);
    return name ?? '*';
  }
}
