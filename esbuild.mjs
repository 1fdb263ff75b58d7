// Builds the shipped bundles: the extension, its lazily loaded transport parts and the CLI (Node, CommonJS, `vscode` external)
// and the dashboard (browser IIFE into media/). Type-checking is `npm run typecheck`, not this.
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';

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

/**
 * The extension's lazily loaded parts (src/transports/loader.ts): each ships as dist/transports/<name>.cjs,
 * and the extension bundle require()s it at run time instead of inlining it, so activation never
 * evaluates, or even reads, the transport libraries. CommonJS cannot use esbuild's code splitting,
 * and VS Code 1.99 needs a CommonJS entry.
 */
const PARTS = ['http', 'grpc', 'websocket'];
const partEntry = (name) => path.resolve(`src/transports/parts/${name}.ts`);

/** Libraries that must never be in dist/extension.cjs: they belong to the parts. */
const TRANSPORT_LIBRARIES = ['undici', 'ws', '@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs', '@modelcontextprotocol/sdk', 'eventsource-parser', 'zod', 'https-proxy-agent'];

/** In the extension bundle: an import of a part becomes a require() of its file next to the bundle. */
const partsExternal = {
  name: 'parts-external',
  setup(build) {
    build.onResolve({ filter: /parts\/[a-z]+\.ts$/ }, (args) => {
      const resolved = path.resolve(args.resolveDir, args.path);
      const name = PARTS.find((p) => partEntry(p) === resolved);
      if (!name) return undefined;
      // A static import would load the part at activation: only import() may cross.
      if (args.kind !== 'dynamic-import') return { errors: [{ text: `${args.importer} imports ${args.path} statically; load parts with import() through src/transports/loader.ts` }] };
      return { path: `./transports/${name}.cjs`, external: true };
    });
  },
};

/** Fails the build when a transport library was bundled into the extension anyway (a stray static import). */
function assertNoTransportLibraries(metafile) {
  const found = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    for (const lib of TRANSPORT_LIBRARIES) if (input.includes(`node_modules/${lib}/`)) found.add(lib);
  }
  if (found.size > 0) {
    throw new Error(`dist/extension.cjs bundles ${[...found].join(', ')}: these load at activation. Find the static import (esbuild --metafile) and load it through src/transports/loader.ts.`);
  }
}

/**
 * In the extension bundle, `import * as vscode from 'vscode'` becomes `const vscode = require('vscode')`.
 * esbuild otherwise wraps the external in __toESM once per importing module, copying every property of
 * the vscode API (hundreds of getters) 21 times at activation: a few ms to ~12 ms in an extension-host
 * profile. The namespace is only ever used as `vscode.x`, so the plain object is the same thing; tsc
 * still type-checks the import as written.
 */
const VSCODE_NAMESPACE_IMPORT = /^import \* as vscode from 'vscode';$/m;
const vscodeRequire = {
  name: 'vscode-require',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]extension[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!VSCODE_NAMESPACE_IMPORT.test(source)) return undefined;
      return { contents: source.replace(VSCODE_NAMESPACE_IMPORT, "const vscode = require('vscode');"), loader: 'ts' };
    });
  },
};

/**
 * The extension's own parts (src/extension/parts.ts) ship as dist/extension-parts.cjs: the entry
 * dist/extension.cjs only registers the commands, and loads the parts on the turn after activate()
 * returns (VS Code's activation time counts loading the entry file and the activate() call).
 */
const EXTENSION_PARTS = path.resolve('src/extension/parts.ts');
const extensionPartsExternal = {
  name: 'extension-parts-external',
  setup(build) {
    build.onResolve({ filter: /\/parts\.ts$/ }, (args) => {
      if (path.resolve(args.resolveDir, args.path) !== EXTENSION_PARTS) return undefined;
      if (args.kind !== 'dynamic-import') return undefined;
      return { path: './extension-parts.cjs', external: true };
    });
  },
};

const extensionBuild = {
  ...nodeCommon,
  entryPoints: ['src/extension/main.ts'],
  outfile: 'dist/extension.cjs',
  plugins: [extensionPartsExternal, partsExternal, vscodeRequire],
  metafile: true,
  // A part's import() becomes require(): the extension host's CommonJS loader, never its ESM one.
  supported: { 'dynamic-import': false },
};
const extensionPartsBuild = { ...extensionBuild, entryPoints: ['src/extension/parts.ts'], outfile: 'dist/extension-parts.cjs' };

const builds = [
  extensionBuild,
  extensionPartsBuild,
  ...PARTS.map((name) => ({ ...nodeCommon, entryPoints: [`src/transports/parts/${name}.ts`], outfile: `dist/transports/${name}.cjs` })),
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
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  assertNoTransportLibraries(results[builds.indexOf(extensionBuild)].metafile);
  assertNoTransportLibraries(results[builds.indexOf(extensionPartsBuild)].metafile);
}
