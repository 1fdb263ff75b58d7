// Entry point of the `stream-health` command (bundled to dist/cli.cjs): parses the command line,
// runs watch, probe-idle or discover, and maps failures to exit codes 1 (runtime) and 2 (usage/config).

import { StreamHealthError } from '../core/errors.ts';
import type { TransportFactory } from '../core/transport.ts';
import { parseCommand } from './args.ts';
import { runDiscover } from './discover.ts';
import { CliConfigError } from './endpoints.ts';
import type { CliIo } from './io.ts';
import { runProbeIdle } from './probeIdle.ts';
import { EXIT, USAGE, UsageError } from './usage.ts';
import { runWatch } from './watch.ts';


/** After finishing, sockets still closing (an MCP DELETE) get this long before we exit anyway. */
const EXIT_GRACE_MS = 3000;
/** undici 8 and the other transport libraries need this Node major or newer. */
const MIN_NODE_MAJOR = 22;

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const command = parseCommand(argv);
    if (command.command === 'help') {
      io.stdout.write(USAGE);
      return EXIT.ok;
    }
    switch (command.command) {
      case 'discover':
        return runDiscover(command, io);
      // Loaded on demand, like the transports: they pull in undici and the MCP SDK.
      case 'login':
        return await (await import('./login.ts')).runLogin(command, io);
      case 'logout':
        return await (await import('./login.ts')).runLogout(command, io);
      case 'watch':
        return await runWatch(command, await withStoredSignIns(io));
      case 'probe-idle':
        return await runProbeIdle(command, await withStoredSignIns(io));
    }
  } catch (error) {
    if (error instanceof UsageError) {
      // One line that says what is wrong; the full help would bury it.
      io.stderr.write(`stream-health: ${error.message}\nRun "stream-health --help" for the commands and options.\n`);
      return EXIT.usage;
    }
    if (error instanceof CliConfigError) {
      io.stderr.write(`stream-health: configuration error in ${error.message}\n`);
      return EXIT.usage;
    }
    const message = error instanceof StreamHealthError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(`stream-health: ${message}\n`);
    return EXIT.runtime;
  }
}

/** Endpoints signed in with `login` connect with their stored (and refreshed) tokens. */
async function withStoredSignIns(io: CliIo): Promise<CliIo> {
  const { FileSignInStore, signInFilePath } = await import('./signInStore.ts');
  const store = new FileSignInStore(signInFilePath(io.env));
  const signedIn = store.urls();
  if (signedIn.size === 0) return io;
  const { withSignIn } = await import('../transports/oauth/withSignIn.ts');
  return { ...io, transportFactory: withSignIn(io.transportFactory, { store, applies: (config) => signedIn.has(config.url) }) };
}

function processIo(transportFactory: TransportFactory): CliIo {
  let interrupts = 0;
  let pipeClosed = false;
  const handlers = new Set<() => void>();
  const stopGracefully = () => {
    for (const h of [...handlers]) h();
  };
  const onSignal = () => {
    interrupts += 1;
    // A second Ctrl-C means "now": do not wait for streams to close.
    if (interrupts > 1) process.exit(130);
    stopGracefully();
  };
  // `stream-health watch --json | head`: a closed pipe ends the run like Ctrl-C (streams closed
  // properly) instead of crashing with EPIPE; nothing more is written to it.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    if (pipeClosed) return;
    pipeClosed = true;
    stopGracefully();
  });
  return {
    stdout: {
      write: (text: string) => (pipeClosed ? true : process.stdout.write(text)),
      get isTTY() {
        return process.stdout.isTTY;
      },
      get columns() {
        return process.stdout.columns;
      },
      get rows() {
        return process.stdout.rows;
      },
    },
    stderr: process.stderr,
    env: process.env,
    onInterrupt(handler) {
      if (handlers.size === 0) {
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      }
      handlers.add(handler);
      return () => {
        handlers.delete(handler);
      };
    },
    onReload(handler) {
      process.on('SIGHUP', handler);
      return () => {
        process.off('SIGHUP', handler);
      };
    },
    transportFactory,
  };
}

// Only run when executed as the CLI (not when a test imports this module).
const invokedDirectly = typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module;
if (invokedDirectly) void runCli();

async function runCli(): Promise<void> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < MIN_NODE_MAJOR) {
    // Checked before the transports load: on an old Node they fail with an unhelpful TypeError.
    process.stderr.write(`stream-health: needs Node ${MIN_NODE_MAJOR} or newer (this is ${process.version}); in this repository run it with "npm run cli -- ..."\n`);
    process.exitCode = EXIT.runtime;
    return;
  }
  const { createTransport } = await import('../transports/index.ts');
  const code = await main(process.argv.slice(2), processIo(createTransport));
  process.exitCode = code;
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
}
