// Where the CLI keeps sign-ins: one JSON file only the user can read ($XDG_CONFIG_HOME/stream-health/
// oauth.json, mode 0600 in a 0700 folder), keyed by server URL, rewritten atomically.

import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StreamHealthError } from '../core/errors.ts';
import type { SignInRecord, SignInStore } from '../transports/oauth/flow.ts';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export class SignInFileError extends StreamHealthError {
  constructor(message: string) {
    super('SH_ERR_SIGN_IN_FILE', message);
    this.name = 'SignInFileError';
  }
}

/** `$XDG_CONFIG_HOME/stream-health/oauth.json`, or `~/.config/stream-health/oauth.json`. */
export function signInFilePath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'stream-health', 'oauth.json');
}

interface FileShape {
  readonly version: 1;
  readonly signIns: Record<string, SignInRecord>;
}

export class FileSignInStore implements SignInStore {
  readonly path: string;
  constructor(path: string) {
    this.path = path;
  }

  private read(): FileShape {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, signIns: {} };
      throw new SignInFileError(`cannot read ${this.path}: ${(error as Error).message}`);
    }
    try {
      const parsed = JSON.parse(text) as FileShape;
      if (parsed && typeof parsed === 'object' && parsed.signIns && typeof parsed.signIns === 'object') return parsed;
    } catch {
      // fall through: a damaged file is reported, never half-used
    }
    throw new SignInFileError(`${this.path} is not a sign-in file Stream Health wrote; delete it and sign in again`);
  }

  private write(shape: FileShape): void {
    const dir = join(this.path, '..');
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    const temp = `${this.path}.${process.pid}.tmp`;
    // Created 0600 before any token is written to it, then renamed over the old file.
    writeFileSync(temp, `${JSON.stringify(shape, null, 2)}\n`, { mode: FILE_MODE });
    chmodSync(temp, FILE_MODE);
    renameSync(temp, this.path);
  }

  /** Server URLs with a stored sign-in (read once at start-up to decide which endpoints get a token). */
  urls(): Set<string> {
    return new Set(Object.keys(this.read().signIns));
  }

  async get(serverUrl: string): Promise<SignInRecord | undefined> {
    return this.read().signIns[serverUrl];
  }

  async set(record: SignInRecord): Promise<void> {
    const shape = this.read();
    this.write({ version: 1, signIns: { ...shape.signIns, [record.serverUrl]: record } });
  }

  async delete(serverUrl: string): Promise<boolean> {
    const shape = this.read();
    if (!(serverUrl in shape.signIns)) return false;
    const { [serverUrl]: _removed, ...rest } = shape.signIns;
    this.write({ version: 1, signIns: rest });
    return true;
  }
}
