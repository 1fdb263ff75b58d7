// The dashboard's and the CLI's server snippets call the real src/serverKeepalive helpers: each one is
// compiled with the project's TypeScript against them, so a snippet whose call shape drifts fails here.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ENDPOINT_KINDS } from '../../../../src/core/config.ts';
import { nodeKeepaliveSnippet, serverHeartbeatSnippet } from '../../../../src/shared/fixes/index.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const HELPERS = join(ROOT, 'src/serverKeepalive/index.ts');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const IMPORT = "from './serverKeepalive/index.ts'";

/** Compiles each file (name -> source) on its own terms; returns tsc's diagnostics, one per line. */
async function typecheck(files: Record<string, string>): Promise<string[]> {
  // Inside the repository (ignored .tmp/), so `ws` and `@grpc/grpc-js` resolve from node_modules.
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.tmp', 'snippets-'));
  try {
    const paths = Object.entries(files).map(([name, code]) => {
      const path = join(dir, name);
      writeFileSync(path, code.replace(IMPORT, `from './${relative(dir, HELPERS)}'`));
      return path;
    });
    const args = [TSC, '--noEmit', '--strict', '--target', 'es2023', '--module', 'nodenext', '--moduleResolution', 'nodenext',
      '--allowImportingTsExtensions', '--verbatimModuleSyntax', '--erasableSyntaxOnly', '--skipLibCheck', '--types', 'node', ...paths];
    try {
      await promisify(execFile)(process.execPath, args, { cwd: ROOT });
      return [];
    } catch (error) {
      const out = (error as { stdout?: string }).stdout ?? String(error);
      return out.split('\n').filter((line) => line.includes('error TS')).map((line) => line.replace(`${relative(ROOT, dir)}/`, ''));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('every server snippet type-checks against src/serverKeepalive, and a drifted call does not', async () => {
  const snippets = new Map(ENDPOINT_KINDS.map((kind) => {
    const snippet = serverHeartbeatSnippet(kind, 20);
    return [snippet.id, snippet.code] as const;
  }));
  assert.deepEqual([...snippets.keys()].sort(), ['server-grpc', 'server-sse', 'server-websocket']);
  for (const code of snippets.values()) assert.ok(code.includes(IMPORT), 'each snippet imports the helper it shows');
  // The control: the old snippet's positional interval, which the real helper does not accept.
  const drifted = snippets.get('server-sse')!.replace('sseHeartbeat(res, { intervalMs: 20_000 })', 'sseHeartbeat(res, 20_000)');
  assert.notEqual(drifted, snippets.get('server-sse'));

  const errors = await typecheck({ ...Object.fromEntries([...snippets].map(([id, code]) => [`${id}.ts`, code])), 'drifted.ts': drifted });
  assert.ok(errors.length > 0 && errors.every((line) => line.startsWith('drifted.ts')), `only the drifted copy fails:\n${errors.join('\n')}`);
});

test('the Node keep-alive fix (keepalive-mismatch) type-checks, and a copy with a string timeout does not', async () => {
  const code = nodeKeepaliveSnippet(65_000).code;
  assert.match(code, /server\.keepAliveTimeout = 65000;\nserver\.headersTimeout = 66000;/);
  const errors = await typecheck({ 'keepalive.ts': code, 'broken.ts': code.replace('server.keepAliveTimeout = 65000;', "server.keepAliveTimeout = '65000';") });
  assert.ok(errors.length > 0 && errors.every((line) => line.includes('broken.ts')), `only the broken copy fails:\n${errors.join('\n')}`);
});
