// Installs the code-server builds the tests run on (the current one and the oldest VS Code we support)
// into .vscode-test/ (first run: a few minutes each; later runs: instant). Called by scripts/setup.sh;
// `npm start` and the e2e tests call the same ensureCodeServer().
import { ensureCodeServer } from './lib/code-server-install.ts';
import { CODE_SERVER_TARGETS } from './lib/paths.ts';

try {
  for (const target of CODE_SERVER_TARGETS) {
    const entry = await ensureCodeServer(console.log, target);
    console.log(`code-server ${target.version} ready: ${entry}`);
  }
} catch (err) {
  const e = err as { code?: string; message?: string };
  console.error(`install-code-server: ${e.code ?? 'error'}: ${e.message ?? String(err)}`);
  process.exitCode = 1;
}
