// `npm run lab`: starts the lab, prints a ready `streamHealth.endpoints` block (or one JSON line with
// --json), optionally writes it into a settings file, and stops everything on Ctrl-C / SIGTERM.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamHealthError } from '../core/errors.ts';
import { startLab } from './lab.ts';
import type { LabOptions, RunningLab } from './lab.ts';
import type { ProxyPreference } from './proxies/index.ts';

export { startLab } from './lab.ts';
export type { LabEndpoint, LabOptions, RunningLab } from './lab.ts';

const USAGE = `usage: npm run lab -- [options]
  --json                  print one JSON line {"endpoints":[...],...} instead of the human summary
  --write-settings PATH   merge "streamHealth.endpoints" into PATH (e.g. .vscode/settings.json)
  --write-config PATH     write {"endpoints": [...]} to PATH for \`stream-health watch --config PATH\`
  --proxy KIND            auto (default) | nginx | haproxy | builtin
  --idle-timeout S        the proxy's idle timeout in seconds (default 5)
  --heartbeat-ms MS       server heartbeat of the heartbeating endpoints (default 2000)
  --freeze-every S        freeze the freezer endpoint every S seconds (default 60; 0 = never)
  --freeze-for S          for S seconds (default 20)`;

export interface LabCliArgs {
  readonly json: boolean;
  readonly writeSettings?: string;
  readonly writeConfig?: string;
  readonly options: LabOptions;
}

export class LabUsageError extends StreamHealthError {
  /** Set for --help: print the usage on stdout and exit 0. */
  helpRequested = false;
  constructor(message: string) {
    super('SH_ERR_LAB_USAGE', message);
    this.name = 'LabUsageError';
  }
}

export function parseLabArgs(argv: readonly string[]): LabCliArgs {
  let json = false;
  let writeSettings: string | undefined;
  let writeConfig: string | undefined;
  const options: { -readonly [K in keyof LabOptions]: LabOptions[K] } = {};
  const number = (flag: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n) || n < min) throw new LabUsageError(`${flag} needs a number >= ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    switch (arg) {
      case '--json':
        json = true;
        break;
      case '--write-settings':
        writeSettings = argv[++i];
        if (!writeSettings) throw new LabUsageError('--write-settings needs a file path');
        break;
      case '--write-config':
        writeConfig = argv[++i];
        if (!writeConfig) throw new LabUsageError('--write-config needs a file path');
        break;
      case '--proxy': {
        const value = argv[++i];
        if (!['auto', 'nginx', 'haproxy', 'builtin'].includes(value ?? '')) throw new LabUsageError('--proxy must be auto, nginx, haproxy or builtin');
        options.proxy = value as ProxyPreference;
        break;
      }
      case '--idle-timeout':
        options.proxyIdleSeconds = number(arg, argv[++i], 1);
        break;
      case '--heartbeat-ms':
        options.heartbeatMs = number(arg, argv[++i], 100);
        break;
      case '--freeze-every':
        options.freezeEverySeconds = number(arg, argv[++i], 0);
        break;
      case '--freeze-for':
        options.freezeForSeconds = number(arg, argv[++i], 0);
        break;
      case '--help':
      case '-h': {
        const help = new LabUsageError(USAGE);
        help.helpRequested = true;
        throw help;
      }
      default:
        throw new LabUsageError(`unknown option ${arg}\n${USAGE}`);
    }
  }
  return { json, writeSettings, writeConfig, options };
}

/** Writes the CLI's `--config` file: `{"endpoints": [...]}`. */
export function writeConfigFile(file: string, endpoints: RunningLab['endpoints']): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ endpoints }, null, 2)}\n`);
}

/** Replaces `streamHealth.endpoints` in a JSON settings file (created if missing), keeping other keys. */
export function writeSettingsFile(file: string, endpoints: RunningLab['endpoints']): void {
  let settings: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, 'utf8').trim();
    try {
      settings = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      throw new LabUsageError(`${file} is not plain JSON (comments?); write to a new file or remove them`);
    }
  }
  settings['streamHealth.endpoints'] = endpoints;
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(settings, null, 2)}\n`);
  fs.renameSync(temp, file);
}

export function formatLab(lab: RunningLab): string {
  const width = Math.max(...lab.notes.map((n) => n.name.length));
  const lines = [
    `Stream Health lab is running. Intermediary: ${lab.proxy.description}.`,
    '',
    ...lab.notes.map((n) => {
      const endpoint = lab.endpoints.find((e) => e.name === n.name);
      return `  ${n.name.padEnd(width)}  ${endpoint?.url ?? ''}\n  ${''.padEnd(width)}  ${n.note}`;
    }),
    '',
    'Paste into .vscode/settings.json (or run with --write-settings .vscode/settings.json):',
    '',
    `"streamHealth.endpoints": ${JSON.stringify(lab.endpoints, null, 2)}`,
    '',
    'Or watch from the terminal: run the lab with --write-config lab.json, then npm run build && node dist/cli.cjs watch --config lab.json',
    'Ctrl-C stops the lab.',
  ];
  return lines.join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  let args: LabCliArgs;
  try {
    args = parseLabArgs(argv);
  } catch (error) {
    if (error instanceof LabUsageError && error.helpRequested) {
      process.stdout.write(`${error.message}\n`);
      return 0;
    }
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const lab = await startLab(args.options);
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    void lab.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  try {
    if (args.writeSettings) writeSettingsFile(args.writeSettings, lab.endpoints);
    if (args.writeConfig) writeConfigFile(args.writeConfig, lab.endpoints);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    await lab.stop();
    return 2;
  }
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ ready: true, endpoints: lab.endpoints, notes: lab.notes, proxy: lab.proxy, freezerPid: lab.freezer?.pid })}\n`);
  } else {
    process.stdout.write(`${formatLab(lab)}\n`);
    if (args.writeSettings) process.stdout.write(`Wrote "streamHealth.endpoints" to ${args.writeSettings}\n`);
    if (args.writeConfig) process.stdout.write(`Wrote the CLI config to ${args.writeConfig}: node dist/cli.cjs watch --config ${args.writeConfig}\n`);
  }
  // Keep running until a signal: the lab's own handles are unref'd where they can be.
  setInterval(() => {}, 1 << 30);
  return -1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (error: unknown) => {
      process.stderr.write(`lab failed: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
