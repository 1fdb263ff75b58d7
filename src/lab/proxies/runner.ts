// Runs an external intermediary (nginx, HAProxy, the tests' squid and tinyproxy) in its own process group
// with a generated config in a temp dir: waits until it accepts, stops the whole group, removes the dir.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { labErrors } from '../errors.ts';
import { freePort, LOOPBACK, waitForPort } from '../net.ts';
import type { LabProxy } from '../types.ts';

const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;
const PORT_ATTEMPTS = 3;

export interface ExternalProcessSpec {
  /** Names the program in errors. */
  readonly kind: string;
  readonly binary: string;
  /** Builds [config file name, contents] for a listen port and the temp dir (may write more files there). */
  readonly config: (port: number, dir: string) => [string, string];
  readonly args: (configPath: string, dir: string) => string[];
  /** Log files in the temp dir worth quoting when it fails to start. */
  readonly logs: readonly string[];
  /** First signal stop() sends (default SIGTERM; SIGKILL for programs slow to honour it, like squid). */
  readonly stopSignal?: NodeJS.Signals;
}

export interface ExternalProxySpec extends ExternalProcessSpec {
  readonly kind: LabProxy['kind'];
}

/** A started external program: its port, its temp dir (config, logs; removed by stop()), and stop(). */
export interface ExternalProcess {
  readonly port: number;
  readonly dir: string;
  stop(): Promise<void>;
}

/** First existing executable among `names` in PATH and the sbin dirs Debian uses. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

export async function runExternalProxy(spec: ExternalProxySpec, requestedPort: number | undefined): Promise<LabProxy> {
  const { port, stop } = await runExternal(spec, requestedPort);
  return { kind: spec.kind, port, host: LOOPBACK, stop };
}

/** Starts `spec` on `requestedPort` (0/undefined: a free port, retried if another process takes it first). */
export async function runExternal(spec: ExternalProcessSpec, requestedPort: number | undefined): Promise<ExternalProcess> {
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < (requestedPort ? 1 : PORT_ATTEMPTS); attempt++) {
    const port = requestedPort || (await freePort());
    try {
      return await startOnce(spec, port);
    } catch (error) {
      lastError = error as Error;
      // Another process grabbed the free port between our check and the bind: try another one.
      if (!/in use/i.test(lastError.message)) break;
    }
  }
  throw lastError ?? labErrors.spawn(spec.kind, 'unknown failure');
}

async function startOnce(spec: ExternalProcessSpec, port: number): Promise<ExternalProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `stream-health-${spec.kind}-`));
  const [name, contents] = spec.config(port, dir);
  const configPath = path.join(dir, name);
  fs.writeFileSync(configPath, contents);
  let output = '';
  const child = spawn(spec.binary, spec.args(configPath, dir), { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      output = (output + chunk).slice(-4000);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const cleanup = async (): Promise<void> => {
    if (alive()) {
      // Unref'd after start; without this Node could exit before the exit event of a slow stop arrives.
      child.ref();
      killGroup(spec.stopSignal ?? 'SIGTERM');
      const grace = setTimeout(() => killGroup('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(grace);
    }
    killGroup('SIGKILL'); // stray workers, if any
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const describeFailure = (): string => {
    const logs = spec.logs.map((log) => {
      try {
        return fs.readFileSync(path.join(dir, log), 'utf8');
      } catch {
        return '';
      }
    });
    return [output, ...logs].join('\n').trim().slice(-800) || 'no output';
  };

  try {
    await new Promise<void>((resolve, reject) => {
      child.once('error', (error) => reject(labErrors.spawn(spec.kind, error.message)));
      child.once('exit', (code, signal) => reject(labErrors.spawn(spec.kind, `exited (${signal ?? code}): ${describeFailure()}`)));
      waitForPort(port, LOOPBACK, READY_TIMEOUT_MS, spec.kind).then(resolve, reject);
    });
  } catch (error) {
    await cleanup();
    throw error;
  }
  child.unref();
  // Last resort when the owner exits without stop() (process.exit, uncaught error): the proxy runs in
  // its own process group and would otherwise outlive us. Only SIGKILL of a parent escapes this.
  const onExit = (): void => killGroup('SIGKILL');
  process.once('exit', onExit);
  void exited.then(() => process.off('exit', onExit));
  let stopping: Promise<void> | undefined;
  return { port, dir, stop: () => (stopping ??= cleanup()) };
}
