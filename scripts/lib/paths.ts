// Well-known locations used by the developer scripts and the e2e tests: the repository root, the
// code-server cache (.vscode-test/, gitignored) and the packaged extension.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Pinned because code-server 4.139.x is VS Code 1.139, matching `engines.vscode`. */
export const CODE_SERVER_VERSION = '4.139.1';
export const CACHE_DIR = join(REPO_ROOT, '.vscode-test', 'code-server');
export const CODE_SERVER_ENTRY = join(CACHE_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const INSTALL_MARKER = join(CACHE_DIR, '.installed.json');
export const VSIX_PATH = join(REPO_ROOT, 'dist', 'stream-health.vsix');
export const TEST_RESULTS_DIR = join(REPO_ROOT, 'test-results');
export const SCREENSHOTS_DOC_DIR = join(REPO_ROOT, 'docs', 'screenshots');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
