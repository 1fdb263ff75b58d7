// A CliIo for driving the CLI's main() in unit tests: captured stdout/stderr, a scripted transport,
// and the Ctrl-C / SIGHUP handlers it registers, callable by the test.
import type { CliIo } from '../../src/cli/io.ts';
import type { FakeTransportFactory } from './fakeTransport.ts';

export function cliIo(fake: FakeTransportFactory, env: NodeJS.ProcessEnv = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  let interrupt: (() => void) | undefined;
  let reload: (() => void) | undefined;
  const io: CliIo = {
    stdout: { write: (t: string) => stdout.push(t), isTTY: false },
    stderr: { write: (t: string) => stderr.push(t) },
    env,
    onInterrupt: (h) => {
      interrupt = h;
      return () => (interrupt = undefined);
    },
    onReload: (h) => {
      reload = h;
      return () => (reload = undefined);
    },
    transportFactory: fake.factory,
  };
  return { io, out: () => stdout.join(''), err: () => stderr.join(''), interrupt: () => interrupt?.(), reload: () => reload?.() };
}
