// Starts a private code-server (VS Code in the browser) on 127.0.0.1: fresh user-data and extensions
// folders, chosen user settings, the packaged extension installed; stop() kills its process group.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StartTimeoutError, ToolError } from './errors.ts';
import { onCleanup, stopGroup, trackGroup } from './processes.ts';
import { runCommand } from './run.ts';

/** Quiet, deterministic defaults: no welcome page, tips, update checks or telemetry. */
export const BASE_USER_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'window.commandCenter': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.colorTheme': 'Dark 2026',
};

export interface CodeServerOptions {
  /** code-server's out/node/entry.js (from ensureCodeServer). */
  readonly entry: string;
  /** The Node that runs it (codeServerNode(target)); default the one running us. */
  readonly node?: string;
  /** Extra environment for code-server and so for its extension host. */
  readonly env?: NodeJS.ProcessEnv;
  /** Private folder for user data, extensions, config and logs. */
  readonly rootDir: string;
  /** Packaged extension to install before starting. */
  readonly vsix?: string;
  /** More packages to install after it (the in-host test runner). */
  readonly moreVsix?: readonly string[];
  /** Merged over BASE_USER_SETTINGS into User/settings.json. */
  readonly userSettings?: Record<string, unknown>;
  /** Written to Machine/settings.json before start: machine-scoped settings (http.proxy) of a remote window. */
  readonly machineSettings?: Record<string, unknown>;
  /**
   * Treat every folder as trusted (`--disable-workspace-trust`). Otherwise code-server opens each
   * folder in Restricted Mode until trust is granted in that browser (trust lives in browser storage).
   */
  readonly trustAllWorkspaces?: boolean;
  /** 0 (default): let code-server pick a free port. */
  readonly port?: number;
  readonly log?: (line: string) => void;
  readonly startTimeoutMs?: number;
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** code-server's own stdout/stderr. */
  readonly logFile: string;
  /** The URL that opens `folder` in the workbench. */
  folderUrl(folder: string): string;
  /** Merges `patch` into User/settings.json (VS Code picks the change up live). */
  updateUserSettings(patch: Record<string, unknown>): void;
  /**
   * Merges `patch` into Machine/settings.json, the "Remote" settings of code-server's extension host:
   * machine-scoped settings such as http.proxy apply there, not in the user settings, in any remote window.
   */
  updateMachineSettings(patch: Record<string, unknown>): void;
  stop(): Promise<void>;
}

function mergeSettingsFile(file: string, patch: Record<string, unknown>): void {
  mkdirSync(dirname(file), { recursive: true });
  const current = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(file, JSON.stringify({ ...current, ...patch }, null, 2) + '\n');
}

/** Writes `<folder>/.vscode/settings.json`, creating the folder. */
export function writeWorkspaceSettings(folder: string, settings: Record<string, unknown>): void {
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const log = opts.log ?? (() => {});
  const userDataDir = join(opts.rootDir, 'user-data');
  const extensionsDir = join(opts.rootDir, 'extensions');
  const settingsFile = join(userDataDir, 'User', 'settings.json');
  const configFile = join(opts.rootDir, 'config.yaml');
  const logFile = join(opts.rootDir, 'code-server.log');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  // Our own config file keeps code-server from writing ~/.config/code-server/config.yaml.
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  writeFileSync(settingsFile, JSON.stringify({ ...BASE_USER_SETTINGS, ...opts.userSettings }, null, 2) + '\n');
  if (opts.machineSettings) mergeSettingsFile(join(userDataDir, 'Machine', 'settings.json'), opts.machineSettings);

  const node = opts.node ?? process.execPath;
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  for (const vsix of [opts.vsix, ...(opts.moreVsix ?? [])]) {
    if (!vsix) continue;
    log(`code-server: installing ${vsix}`);
    await runCommand(node, [opts.entry, ...common, '--install-extension', vsix, '--force'], {
      cwd: opts.rootDir,
      quiet: true,
      hint: 'Rebuild the package with `npm run package` and retry.',
    });
  }

  const args = [
    opts.entry,
    ...common,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${opts.port ?? 0}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(opts.trustAllWorkspaces ? ['--disable-workspace-trust'] : []),
  ];
  const child = spawn(node, args, {
    cwd: opts.rootDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env, VSCODE_CLI: undefined, VSCODE_IPC_HOOK_CLI: undefined },
  });
  trackGroup(child);
  const pid = child.pid!;
  const stop = (): Promise<void> => stopGroup(pid, 5000);
  onCleanup(stop);

  const out = createWriteStream(logFile);
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const port = await new Promise<number>((resolvePort, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      reject(new StartTimeoutError('code-server', timeoutMs, `See ${logFile}.`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      out.write(chunk);
      seen = (seen + chunk.toString()).slice(-8000);
      const m = /HTTP server listening on https?:\/\/[^\s:]+:(\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new ToolError('SH_ERR_CODE_SERVER_EXIT', `code-server exited (${signal ?? code}) before listening. See ${logFile}.`));
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  const url = `http://127.0.0.1:${port}/`;
  log(`code-server: listening on ${url} (pid ${pid})`);

  return {
    url,
    port,
    pid,
    userDataDir,
    extensionsDir,
    logFile,
    folderUrl: (folder) => `${url}?folder=${encodeURIComponent(folder)}`,
    updateUserSettings(patch) {
      mergeSettingsFile(settingsFile, patch);
    },
    updateMachineSettings(patch) {
      mergeSettingsFile(join(userDataDir, 'Machine', 'settings.json'), patch);
    },
    stop,
  };
}
