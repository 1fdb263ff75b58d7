// What the CLI needs from its process (streams, environment, signals, transports, time), injectable so
// the commands can be unit-tested without a terminal or sockets.

import type { Clock } from '../core/clock.ts';
import type { TransportFactory } from '../core/transport.ts';
import { redact } from '../core/secrets.ts';

export interface OutStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

export interface CliIo {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly env: NodeJS.ProcessEnv;
  /** Registers a Ctrl-C / SIGTERM handler; returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
  /** Registers a SIGHUP (reload the configuration) handler; returns a function that removes it. */
  onReload?(handler: () => void): () => void;
  readonly transportFactory: TransportFactory;
  readonly clock?: Clock;
}

/** Writes whole lines with every known secret value scrubbed (a last line of defence). */
export function lineWriter(stream: OutStream, secrets: readonly string[]): (line: string) => void {
  return (line) => {
    stream.write(`${redact(line, secrets)}\n`);
  };
}
