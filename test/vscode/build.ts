// Builds the in-extension-host suite (one CommonJS bundle, `vscode` and `mocha` external) and the
// code-server test-runner extension (.vsix) into dist/test-vscode/.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { REPO_ROOT } from '../../scripts/lib/paths.ts';
import { envWithOurNode, runCommand } from '../../scripts/lib/run.ts';

export const HOST_TEST_DIR = join(REPO_ROOT, 'dist', 'test-vscode');
export const SUITE_BUNDLE = join(HOST_TEST_DIR, 'extension.test.cjs');
export const RUNNER_VSIX = join(HOST_TEST_DIR, 'stream-health-test-runner.vsix');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // The oldest extension host we run on (VS Code 1.99) is Node 20.
  target: 'node20',
  sourcemap: 'inline',
  logLevel: 'warning',
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
} as const;

export async function buildHostTests(options: { runner?: boolean } = {}): Promise<void> {
  mkdirSync(HOST_TEST_DIR, { recursive: true });
  await esbuild.build({ ...node, entryPoints: [join(REPO_ROOT, 'test', 'vscode', 'suite', 'extension.test.ts')], outfile: SUITE_BUNDLE, external: ['vscode', 'mocha'] });
  if (options.runner === false) return;
  const stage = join(HOST_TEST_DIR, 'runner');
  mkdirSync(stage, { recursive: true });
  await esbuild.build({ ...node, entryPoints: [join(REPO_ROOT, 'test', 'vscode', 'runner', 'main.ts')], outfile: join(stage, 'main.cjs'), external: ['vscode'] });
  copyFileSync(join(REPO_ROOT, 'test', 'vscode', 'runner', 'manifest.json'), join(stage, 'package.json'));
  writeFileSync(join(stage, 'README.md'), '# Stream Health in-host test runner\n\nTest infrastructure; never published.\n');
  writeFileSync(join(stage, 'LICENSE'), 'MIT\n');
  await runCommand(join(REPO_ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--out', RUNNER_VSIX], {
    cwd: stage,
    env: envWithOurNode(),
    quiet: true,
    hint: 'Packaging the test runner failed; run vsce package in dist/test-vscode/runner to see why.',
  });
}

if (import.meta.main) await buildHostTests({ runner: !process.argv.includes('--suite-only') });
