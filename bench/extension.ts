// The part of the extension benchmark measurable without a running VS Code: the .vsix and bundle sizes, after
// `npm run package`. Activation time is bench/activation.ts, the dashboard's frame time bench/dashboard.ts.
// Run alone: node bench/extension.ts ; prints one JSON line {"figures":[...]}.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figure } from './lib/figures.ts';
import { round } from './lib/stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGE_TIMEOUT_MS = 180_000;

/** Line count, so the table shows whether a bundle was minified without assuming the build flags. */
function lines(file: string): number | null {
  try {
    return fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n').length;
  } catch {
    return null;
  }
}

function sizeKiB(file: string): number | null {
  try {
    return round(fs.statSync(path.join(ROOT, file)).size / 1024, 1);
  } catch {
    return null;
  }
}

export function runExtension(): Figure[] {
  const started = performance.now();
  // npm is on PATH inside `npm run bench`; the package script builds first.
  const result = spawnSync('npm', ['run', 'package'], { cwd: ROOT, encoding: 'utf8', timeout: PACKAGE_TIMEOUT_MS });
  const packagedMs = performance.now() - started;
  const ok = result.status === 0;
  const failure = ok ? undefined : `npm run package failed (${result.status ?? result.signal}): ${(result.stderr || result.stdout || '').trim().split('\n').slice(-3).join(' | ').slice(0, 300)}`;
  const figures: Figure[] = [];
  const sized = (id: string, label: string, file: string, note: string): Figure => {
    const value = ok || id !== 'vsix' ? sizeKiB(file) : null;
    const count = id === 'vsix' ? null : lines(file);
    const detail = count === null ? note : `${note}; ${count} lines as built by npm run package`;
    return { id: `extension.size.${id}`, item: 5, label, value, unit: 'KiB', note: value === null ? (failure ?? `${file} not found`) : detail };
  };
  figures.push(sized('vsix', '.vsix size', 'dist/stream-health.vsix', `npm run package took ${round(packagedMs / 1000, 1)} s`));
  figures.push(sized('extension', 'extension bundle (dist/extension.cjs)', 'dist/extension.cjs', 'esbuild, Node 22 target'));
  // Loaded by the extension only when the first endpoint of their kind starts (src/transports/loader.ts).
  for (const part of ['http', 'grpc', 'websocket']) {
    figures.push(sized(`transports.${part}`, `transport part (dist/transports/${part}.cjs)`, `dist/transports/${part}.cjs`, 'shipped in the .vsix; required when the first endpoint of its kinds starts, never at activation'));
  }
  figures.push(sized('cli', 'CLI bundle (dist/cli.cjs)', 'dist/cli.cjs', 'the stream-health command; not shipped in the .vsix'));
  figures.push(sized('dashboard', 'dashboard bundle (media/dashboard.js)', 'media/dashboard.js', 'browser IIFE, shipped in the .vsix'));
  return figures;
}

if (import.meta.main) {
  process.stdout.write(`${JSON.stringify({ figures: runExtension() })}\n`);
  process.exit(0);
}
