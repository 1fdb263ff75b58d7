// Runs a lab server in a CHILD process, so tests and benchmarks can SIGSTOP it (silent death: the kernel
// keeps the sockets up, peers see only silence), SIGKILL it, and restart it on the same port.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { labErrors } from './errors.ts';
import type { AnyLabServerOptions } from './servers/index.ts';
import type { LabProcess, LabServerKind } from './types.ts';

const SERVE_ENTRY = fileURLToPath(new URL('./serve.ts', import.meta.url));
const READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 3_000;
const RESTART_PORT_RETRY_MS = 5_000;

interface Ready {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
}

interface Started {
  readonly child: ChildProcess;
  readonly ready: Ready;
  readonly exited: Promise<void>;
}

function startChild(kind: LabServerKind, options: AnyLabServerOptions): Promise<Started> {
  // The same Node as the parent (npm scripts put Node 24 first), which runs the .ts entry directly.
  const child = spawn(process.execPath, [SERVE_ENTRY, kind, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  return new Promise<Started>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => fail(labErrors.timeout(`lab ${kind} server`, READY_TIMEOUT_MS)), READY_TIMEOUT_MS);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('error', (error) => fail(labErrors.spawn(`lab ${kind} server`, error.message)));
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(labErrors.spawn(`lab ${kind} server`, `exited (${signal ?? code}) before ready: ${stderr.trim().slice(-500)}`));
    child.once('exit', onEarlyExit);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', function onData(chunk: string) {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      clearTimeout(timer);
      child.off('exit', onEarlyExit);
      let line: { ready?: boolean; url?: string; port?: number; pid?: number; code?: string; message?: string };
      try {
        line = JSON.parse(buffered.slice(0, newline));
      } catch {
        return fail(labErrors.spawn(`lab ${kind} server`, `unexpected output ${JSON.stringify(buffered.slice(0, 200))}`));
      }
      if (!line.ready) {
        const error = labErrors.spawn(`lab ${kind} server`, `${line.code}: ${line.message}`);
        (error as Error & { causeCode?: string }).causeCode = line.code;
        return fail(error);
      }
      // Do not keep the parent alive for the child's sake; if the parent exits, the child's stdin
      // closes and it exits too.
      child.unref();
      // A frozen child would not notice its stdin closing; kill it when the parent exits.
      const onParentExit = (): void => void child.kill('SIGKILL');
      process.once('exit', onParentExit);
      void exited.then(() => process.off('exit', onParentExit));
      for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
      resolve({ child, ready: { url: line.url!, port: line.port!, pid: line.pid! }, exited });
    });
  });
}

export async function spawnLabServer(kind: LabServerKind, options: AnyLabServerOptions = {}): Promise<LabProcess> {
  let current = await startChild(kind, options);
  const port = current.ready.port;
  const url = current.ready.url;

  const alive = (): boolean => current.child.exitCode === null && current.child.signalCode === null;
  const signal = (sig: NodeJS.Signals): void => {
    if (alive()) current.child.kill(sig);
  };
  const waitExit = async (): Promise<void> => {
    current.child.ref();
    await current.exited;
  };
  const kill = async (): Promise<void> => {
    signal('SIGKILL');
    await waitExit();
  };

  return {
    url,
    port,
    get pid() {
      return current.child.pid ?? -1;
    },
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
    kill,
    async restart() {
      await kill();
      // The listening socket is gone with the process; retry briefly in case the kernel lags.
      const deadline = performance.now() + RESTART_PORT_RETRY_MS;
      for (;;) {
        try {
          current = await startChild(kind, { ...options, port });
          return;
        } catch (error) {
          if (!/EADDRINUSE/.test(String((error as Error).message)) || performance.now() > deadline) throw error;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    async stop() {
      if (!alive()) return;
      // A stopped process would not see SIGTERM until continued.
      signal('SIGCONT');
      signal('SIGTERM');
      const grace = setTimeout(() => signal('SIGKILL'), STOP_GRACE_MS);
      await waitExit();
      clearTimeout(grace);
    },
  };
}
