// Keeps track of every child process and async resource the scripts start, so that a normal exit,
// a failure or Ctrl-C stops all of them: children run in their own process group and are killed as a group.
import type { ChildProcess } from 'node:child_process';

type Cleanup = () => Promise<void> | void;

const groups = new Set<number>();
const cleanups: Cleanup[] = [];
let handlersInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Registers a child started with `detached: true` (its own process group). */
export function trackGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  const pid = child.pid;
  groups.add(pid);
  child.once('exit', () => {
    // The leader exited; its group may live on (code-server forks), so keep it until killed.
    if (!isAlive(pid)) groups.delete(pid);
  });
  installHandlers();
}

/** SIGTERM to the group, SIGKILL after `graceMs` if anything in it is still alive. */
export async function stopGroup(pid: number, graceMs = 5000): Promise<void> {
  killGroup(pid, 'SIGTERM');
  const deadline = performance.now() + graceMs;
  while (isAlive(pid) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) killGroup(pid, 'SIGKILL');
  groups.delete(pid);
}

/** Registers an async cleanup (the lab, the browser); run in reverse order by `cleanupAll`. */
export function onCleanup(fn: Cleanup): void {
  cleanups.push(fn);
  installHandlers();
}

/** Runs every registered cleanup (newest first), then kills any remaining groups. Idempotent. */
export async function cleanupAll(): Promise<void> {
  while (cleanups.length > 0) {
    const fn = cleanups.pop()!;
    try {
      await fn();
    } catch (err) {
      console.error(`cleanup failed: ${(err as Error).message}`);
    }
  }
  await Promise.all([...groups].map((pid) => stopGroup(pid, 3000)));
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // Last resort on exit (synchronous only): SIGKILL whatever is left.
  process.on('exit', () => {
    for (const pid of groups) killGroup(pid, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      const forced = setTimeout(() => process.exit(130), 15_000);
      forced.unref();
      void cleanupAll().finally(() => process.exit(130));
    });
  }
}
