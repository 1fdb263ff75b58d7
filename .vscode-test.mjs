// @vscode/test-cli configuration for `npm run test:vscode`: the in-extension-host suite in desktop VS
// Code, which @vscode/test-electron downloads (machines without that download run the same suite in
// code-server with `npm run test:host`). Two runs: the oldest VS Code engines.vscode accepts, and stable.
import { defineConfig } from '@vscode/test-cli';

const common = {
  files: 'dist/test-vscode/extension.test.cjs',
  extensionDevelopmentPath: '.',
  workspaceFolder: '.tmp/test-vscode-workspace',
  mocha: { ui: 'bdd', timeout: 60_000 },
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
};

export default defineConfig([
  { label: 'oldest', version: '1.99.3', ...common },
  { label: 'stable', version: 'stable', ...common },
]);
