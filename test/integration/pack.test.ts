// `npm pack` makes a package users install like any Node CLI: its `bin` works after `npm install -g`
// of the tarball into a fresh prefix, and through `npx`, with a Node that meets `engines.node`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

const ROOT = new URL('../../', import.meta.url).pathname;

test('the npm pack tarball installs globally into a fresh prefix and runs, also via npx', { timeout: 120_000 }, () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.engines.node, '>=22.19');
  assert.ok(pkg.engines.vscode, 'still a VS Code extension manifest');
  assert.equal(pkg.bin['stream-health'], './dist/cli.cjs');
  const dir = mkdtempSync(join(tmpdir(), 'sh-pack-'));
  // The Node 24 of the `node` devDependency first on PATH, as a user's Node 22+ would be.
  const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}`, npm_config_cache: join(dir, 'cache'), npm_config_update_notifier: 'false' };
  try {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, env, stdio: 'ignore' });
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, env, encoding: 'utf8' }));
    const files: string[] = packed[0].files.map((f: { path: string }) => f.path);
    assert.ok(files.includes('dist/cli.cjs') && files.includes('deploy/grafana/stream-health.json') && files.includes('docs/fleet.md'), files.join(' '));
    assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f === 'dist/extension.cjs' || f.startsWith('dist/transports/')), files.join(' '));
    const tarball = join(dir, packed[0].filename);
    const prefix = join(dir, 'prefix');
    execFileSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball], { env, stdio: 'ignore' });
    const help = execFileSync(join(prefix, 'bin', 'stream-health'), ['--help'], { env, encoding: 'utf8' });
    assert.match(help, /--metrics-listen HOST:PORT/);
    const viaNpx = execFileSync('npx', ['--yes', '--package', tarball, 'stream-health', '--help'], { cwd: dir, env, encoding: 'utf8' });
    assert.match(viaNpx, /^Usage:/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
