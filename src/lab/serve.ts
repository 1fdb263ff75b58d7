// Child-process entry for one lab server: `node src/lab/serve.ts KIND 'JSON-OPTIONS'`. Prints one JSON
// ready line ({"ready":true,"url","port","pid"}) on stdout, exits on SIGTERM/SIGINT or when stdin closes
// (the parent went away), so a frozen-then-orphaned server never lingers after a thaw.

import { startLabServer } from './servers/index.ts';
import type { AnyLabServerOptions } from './servers/index.ts';
import { LAB_SERVER_KINDS } from './types.ts';
import type { LabServerKind } from './types.ts';

const [kindArg, optionsArg] = process.argv.slice(2);
if (!LAB_SERVER_KINDS.includes(kindArg as LabServerKind)) {
  process.stderr.write(`usage: serve.ts <${LAB_SERVER_KINDS.join('|')}> [json-options]\n`);
  process.exit(2);
}

try {
  const options = (optionsArg ? JSON.parse(optionsArg) : {}) as AnyLabServerOptions;
  const server = await startLabServer(kindArg as LabServerKind, options);
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(0), 2000);
    force.unref();
    void server.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ ready: true, kind: kindArg, url: server.url, port: server.port, pid: process.pid })}\n`);
} catch (error) {
  const err = error as NodeJS.ErrnoException;
  process.stdout.write(`${JSON.stringify({ ready: false, code: err.code ?? 'ERROR', message: err.message })}\n`);
  process.exit(1);
}
