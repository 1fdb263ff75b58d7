// Installs the pinned code-server into .vscode-test/ (first run: a few minutes; later runs: instant).
// Called by scripts/setup.sh; `npm start` and the e2e tests call the same ensureCodeServer().
import { ensureCodeServer } from './lib/code-server-install.ts';

try {
  const entry = await ensureCodeServer();
  console.log(`code-server ready: ${entry}`);
} catch (err) {
  const e = err as { code?: string; message?: string };
  console.error(`install-code-server: ${e.code ?? 'error'}: ${e.message ?? String(err)}`);
  process.exitCode = 1;
}
