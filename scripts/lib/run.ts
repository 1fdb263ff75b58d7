// Runs a child command to completion with its output streamed through, for the install and build
// steps; a non-zero exit becomes a CommandFailedError naming the step.
import { spawn } from 'node:child_process';
import { CommandFailedError } from './errors.ts';

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Shown in the error if the command fails. */
  readonly hint?: string;
  /** Keep the child's output off the terminal (it is still captured for the error). */
  readonly quiet?: boolean;
}

export function runCommand(cmd: string, args: readonly string[], opts: RunOptions): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk: Buffer, to: NodeJS.WriteStream): void => {
      const text = chunk.toString();
      tail = (tail + text).slice(-4000);
      if (!opts.quiet) to.write(text);
    };
    child.stdout.on('data', (c: Buffer) => keep(c, process.stdout));
    child.stderr.on('data', (c: Buffer) => keep(c, process.stderr));
    child.on('error', (err) => reject(new CommandFailedError(`${cmd} ${args.join(' ')}`, err.message, opts.hint ?? '')));
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise(tail);
      else {
        const exit = signal ? `signal ${signal}` : `exit ${code}`;
        const shown = opts.quiet ? `\n--- last output ---\n${tail}` : '';
        reject(new CommandFailedError(`${cmd} ${args.join(' ')}`, exit, (opts.hint ?? '') + shown));
      }
    });
  });
}

/** An environment whose PATH starts with the directory of the Node running us (Node 24 under npm). */
export function envWithOurNode(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const nodeDir = process.execPath.replace(/\/[^/]+$/, '');
  return { ...process.env, PATH: `${nodeDir}:${process.env.PATH ?? ''}`, ...extra };
}
