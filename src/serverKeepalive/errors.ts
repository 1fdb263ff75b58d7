// Errors thrown by the server keepalive helpers. Self-contained on purpose: this module is meant to be
// copied into (or imported by) users' own servers without pulling in the rest of Stream Health.

/**
 * Not a StreamHealthError on purpose: extending the project's root class would make this folder import
 * src/core, and it must stay copyable into a user's server on its own. Same `code`/`name` contract.
 */
export class KeepaliveOptionError extends Error {
  readonly code = 'SH_ERR_KEEPALIVE_OPTION';
  override readonly name = 'KeepaliveOptionError';
}

/** Throws unless `intervalMs` is a finite number of milliseconds > 0. */
export function checkInterval(helper: string, intervalMs: unknown): number {
  if (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new KeepaliveOptionError(
      `${helper}: intervalMs must be a number of milliseconds > 0 (got ${String(intervalMs)}); ` +
        'pick about a third of the shortest idle timeout on the path, e.g. 15000 for a 60 s proxy',
    );
  }
  return intervalMs;
}

/** An unref'd interval, so a heartbeat never keeps a process alive on its own. */
export function unrefInterval(fn: () => void, ms: number): ReturnType<typeof setInterval> {
  const timer = setInterval(fn, ms);
  timer.unref?.();
  return timer;
}
