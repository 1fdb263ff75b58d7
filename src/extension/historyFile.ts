// Persists the Monitor's history as JSON under the extension's global storage: atomic (temp file,
// fsync, rename), debounced, bounded in size, restored at activation. A file that cannot be read
// back is renamed aside (history.corrupt-<ts>.json) with a warning; it never stops the extension.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StreamHealthError } from '../core/errors.ts';
import { HISTORY_SCHEMA_VERSION, type EndpointHistory, type HistorySnapshot } from '../core/model.ts';

export const HISTORY_FILE = 'history.json';
export const DEFAULT_DEBOUNCE_MS = 2000;
/** Upper bound of the file; the core's ring buffers normally keep it far below this. */
export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
/** Halvings tried before giving up on trimming (each halves every per-endpoint list). */
const MAX_TRIM_ROUNDS = 12;
/** Temp files older than this are leftovers of a crash mid-write. */
const LEFTOVER_AGE_MS = 60_000;

export interface HistoryFileOptions {
  readonly dir: string;
  readonly debounceMs?: number;
  readonly maxBytes?: number;
  /** Wall clock, for the name of a set-aside file. */
  readonly wallNow?: () => number;
}

export interface LoadResult {
  readonly snapshot?: HistorySnapshot;
  /** Set when the file was unreadable and was renamed to this path. */
  readonly setAsidePath?: string;
  /** What was wrong with the file, completing "the saved history …" (e.g. `is not valid JSON`). */
  readonly problem?: string;
}

export class HistoryFileError extends StreamHealthError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SH_ERR_HISTORY_FILE', message, options);
    this.name = 'HistoryFileError';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns what is wrong with a parsed file, or undefined when it is a usable snapshot. */
export function snapshotProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  if (value.schemaVersion !== HISTORY_SCHEMA_VERSION) return `schemaVersion ${JSON.stringify(value.schemaVersion)} is not ${HISTORY_SCHEMA_VERSION}`;
  if (!isObject(value.endpoints)) return 'no "endpoints" object';
  for (const [name, entry] of Object.entries(value.endpoints)) {
    if (!isObject(entry) || !Array.isArray(entry.sessions) || !Array.isArray(entry.drops)) {
      return `endpoint "${name.slice(0, 80)}" has no sessions/drops lists`;
    }
  }
  return undefined;
}

function newestHalf<T>(list: readonly T[] | undefined): T[] {
  if (!list) return [];
  return list.slice(list.length - Math.floor(list.length / 2));
}

function halve(entry: EndpointHistory): EndpointHistory {
  return {
    ...entry,
    sessions: newestHalf(entry.sessions),
    drops: newestHalf(entry.drops),
    errors: newestHalf(entry.errors),
    heartbeatTimes: { in: newestHalf(entry.heartbeatTimes?.in), out: newestHalf(entry.heartbeatTimes?.out) },
    connects: newestHalf(entry.connects),
  };
}

/** Serialises `snapshot`, dropping the oldest records until it fits in `maxBytes`. */
export function serializeBounded(snapshot: HistorySnapshot, maxBytes: number): string {
  let current = snapshot;
  let text = JSON.stringify(current);
  for (let round = 0; Buffer.byteLength(text) > maxBytes && round < MAX_TRIM_ROUNDS; round++) {
    const endpoints: Record<string, EndpointHistory> = {};
    for (const [name, entry] of Object.entries(current.endpoints)) endpoints[name] = halve(entry);
    current = { ...current, endpoints };
    text = JSON.stringify(current);
  }
  return text;
}

export class HistoryFile {
  readonly file: string;
  private readonly dir: string;
  private readonly debounceMs: number;
  private readonly maxBytes: number;
  private readonly wallNow: () => number;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private pending: (() => HistorySnapshot) | undefined;
  /** Writes run one after another so two renames never race. */
  private chain: Promise<void> = Promise.resolve();
  private tmpCounter = 0;

  constructor(options: HistoryFileOptions) {
    this.dir = options.dir;
    this.file = path.join(options.dir, HISTORY_FILE);
    this.debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.wallNow = options.wallNow ?? Date.now;
  }

  /** Reads the saved history; a missing file is simply no history, an unreadable one is set aside. */
  async load(): Promise<LoadResult> {
    await this.removeLeftoverTempFiles();
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      return this.setAside(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.setAside('is not valid JSON');
    }
    const problem = snapshotProblem(parsed);
    if (problem) return this.setAside(`is not a Stream Health history (${problem})`);
    return { snapshot: parsed as HistorySnapshot };
  }

  /** Saves what `provider` returns after the debounce delay; later calls within it coalesce. */
  schedule(provider: () => HistorySnapshot): void {
    this.pending = provider;
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.flush().catch(() => undefined);
    }, this.debounceMs);
    this.saveTimer.unref?.();
  }

  /** Writes a pending save now (deactivate, tests). Resolves when it is on disk. */
  async flush(): Promise<void> {
    this.clearSaveTimer();
    const provider = this.pending;
    this.pending = undefined;
    if (provider) await this.save(provider());
    else await this.chain;
  }

  /** Atomic write: a reader sees the old file or the new one, never half of one. */
  save(snapshot: HistorySnapshot): Promise<void> {
    const run = this.chain.then(() => this.writeAtomic(serializeBounded(snapshot, this.maxBytes)));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Deletes the saved file (Clear History for every endpoint). */
  async remove(): Promise<void> {
    this.clearSaveTimer();
    this.pending = undefined;
    await this.chain;
    await fs.rm(this.file, { force: true });
  }

  dispose(): void {
    this.clearSaveTimer();
  }

  private clearSaveTimer(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
  }

  private async writeAtomic(text: string): Promise<void> {
    const tmp = `${this.file}.tmp-${process.pid}-${++this.tmpCounter}`;
    try {
      await fs.mkdir(this.dir, { recursive: true });
      const handle = await fs.open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, this.file);
    } catch (error) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw new HistoryFileError(`Could not save the Stream Health history to ${this.file}: ${(error as Error).message}. Check that the folder is writable.`, { cause: error });
    }
  }

  private async setAside(problem: string): Promise<LoadResult> {
    const stamp = new Date(this.wallNow()).toISOString().replace(/[:.]/g, '-');
    const target = path.join(this.dir, `history.corrupt-${stamp}.json`);
    try {
      await fs.rename(this.file, target);
      return { setAsidePath: target, problem };
    } catch {
      // Could not even rename: start empty and leave the file for the user to inspect.
      return { problem: `${problem} and could not be renamed aside` };
    }
  }

  private async removeLeftoverTempFiles(): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return;
    }
    const prefix = `${HISTORY_FILE}.tmp-`;
    const cutoff = this.wallNow() - LEFTOVER_AGE_MS;
    for (const name of names.filter((n) => n.startsWith(prefix))) {
      const file = path.join(this.dir, name);
      // Only old ones: another window sharing this storage may be mid-write right now.
      const stat = await fs.stat(file).catch(() => undefined);
      if (stat && stat.mtimeMs < cutoff) await fs.rm(file, { force: true }).catch(() => undefined);
    }
  }
}
