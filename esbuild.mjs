// Builds the three shipped bundles: the extension and the CLI (Node, CommonJS, `vscode` external)
// and the dashboard (browser IIFE into media/). Type-checking is `npm run typecheck`, not this.
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const watch = process.argv.includes('--watch');

/**
 * The oldest extension host we support: VS Code 1.99 (engines.vscode) runs Node 20 (Electron 34;
 * code-server 4.99 on Node 20). Never target whatever Node runs the build.
 */
const NODE_TARGET = 'node20';

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

const nodeCommon = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: NODE_TARGET,
  // ws loads these optional native helpers in a try/catch; they are not installed.
  external: ['vscode', 'bufferutil', 'utf-8-validate'],
  // jsonc-parser's `main` is a UMD wrapper whose require() calls esbuild cannot follow (the bundle
  // would fail at run time on './impl/format'); its ES module build bundles cleanly.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
};

const builds = [
  { ...nodeCommon, entryPoints: ['src/extension/main.ts'], outfile: 'dist/extension.cjs' },
  {
    ...nodeCommon,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.cjs',
    banner: { js: '#!/usr/bin/env node' },
    // stream_health_build_info{version} and the OTLP resource's service.version.
    define: { STREAM_HEALTH_VERSION: JSON.stringify(version) },
  },
  {
    ...common,
    entryPoints: ['src/webview/main.ts'],
    outfile: 'media/dashboard.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
