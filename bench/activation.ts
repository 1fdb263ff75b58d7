// Activation: the packaged extension against an empty extension with the same activation event,
// both installed in one code-server and activated by the same window loads, as VS Code reports it in
// "Developer: Show Running Extensions" (median over loads, then the ratio), and the bytes of
// JavaScript under the extension's folder that the extension host has required once activate() resolved.
// The empty extension is also the probe: its activate() only schedules, on a later turn, a look at
// the extension host's require.cache once Stream Health's activate() has resolved, written to a file.
// Needs code-server in .vscode-test/ (the e2e suite or `npm start`) and dist/stream-health.vsix (`npm run package`).
// Run alone: node bench/activation.ts [--loads N] [--vsix FILE] (another build, e.g. an older commit's, to
// compare); prints {"figures":[...]}.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchBrowser, openWorkbench } from '../scripts/lib/browser.ts';
import { isCodeServerInstalled } from '../scripts/lib/code-server-install.ts';
import { startCodeServer, writeWorkspaceSettings } from '../scripts/lib/code-server.ts';
import { CODE_SERVER_ENTRY, REPO_ROOT, VSIX_PATH } from '../scripts/lib/paths.ts';
import { numberArg } from './lib/args.ts';
import type { Figure } from './lib/figures.ts';
import { median, round } from './lib/stats.ts';

const EXTENSION_NAME = 'Stream Health';
const EXTENSION_ID = 'stream-health.stream-health';
const BASELINE_NAME = 'Activation Baseline';
/** The probe's output file, one JSON line per window load. */
const PROBE_ENV = 'STREAM_HEALTH_BENCH_PROBE_OUT';
const RATIO_TARGET = 1.5;

interface ProbeLine {
  readonly files: readonly { readonly file: string; readonly bytes: number }[];
  /** Evaluating the main file once more in the same host, in ms. */
  readonly evalMs?: number;
  readonly error?: string;
}

/**
 * The empty extension: the manifest of a real one (same activation event, `main` a CommonJS file)
 * and an activate() that does nothing but schedule the probe after it has returned.
 */
function baselineExtension(dir: string): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { vscode: string } };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'activation-baseline',
    displayName: BASELINE_NAME,
    description: 'Benchmark baseline: an extension that does nothing.',
    version: '0.0.1',
    publisher: 'stream-health-bench',
    engines: { vscode: pkg.engines.vscode },
    activationEvents: ['onStartupFinished'],
    main: './extension.cjs',
  }, null, 2));
  fs.writeFileSync(path.join(dir, 'README.md'), 'Benchmark baseline.\n');
  fs.writeFileSync(path.join(dir, 'extension.cjs'), `'use strict';
// Does nothing at activation; later, records which files under Stream Health's folder are loaded.
exports.activate = function activate() {
  setTimeout(probe, 0);
};
async function probe() {
  const fs = require('node:fs');
  const out = process.env.${PROBE_ENV};
  if (!out) return;
  let line;
  try {
    const vscode = require('vscode');
    const ext = vscode.extensions.getExtension(${JSON.stringify(EXTENSION_ID)});
    if (!ext) throw new Error('${EXTENSION_ID} is not installed');
    await ext.activate();
    const root = ext.extensionPath + require('node:path').sep;
    const files = Object.keys(require.cache).filter((f) => f.startsWith(root)).map((f) => ({ file: f.slice(root.length), bytes: fs.statSync(f).size }));
    // What loading the code costs apart from activate(): the main file evaluated once more (warm
    // disk cache, same host), then dropped again; its top level only defines, it registers nothing.
    const main = require.resolve(require('node:path').join(ext.extensionPath, ext.packageJSON.main));
    const cached = require.cache[main];
    delete require.cache[main];
    const t0 = performance.now();
    require(main);
    const evalMs = performance.now() - t0;
    require.cache[main] = cached;
    line = { files, evalMs };
  } catch (error) {
    line = { files: [], error: String(error) };
  }
  fs.appendFileSync(out, JSON.stringify(line) + '\\n');
}
`);
}

function packageBaseline(dir: string): string {
  const out = path.join(dir, 'baseline.vsix');
  const vsce = path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
  const result = spawnSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out], { cwd: dir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`packaging the empty extension failed: ${(result.stderr || result.stdout).trim().slice(-300)}`);
  return out;
}

function notMeasured(note: string): Figure[] {
  return [
    { id: 'extension.activationRatio', item: 5, label: 'activation vs empty extension', value: null, unit: 'x', target: { op: '<=', value: RATIO_TARGET }, note, notMeasured: true },
    { id: 'extension.activationJsKiB', item: 5, label: 'JavaScript loaded at activation', value: null, unit: 'KiB', note, notMeasured: true },
  ];
}

export async function runActivation(loads: number, vsix = VSIX_PATH): Promise<Figure[]> {
  if (!isCodeServerInstalled()) return notMeasured('not measured: code-server is not installed in .vscode-test/ (run the e2e suite or npm start once)');
  if (!fs.existsSync(vsix)) return notMeasured(`not measured: ${vsix} missing (npm run package)`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-health-bench-activation-'));
  const folder = path.join(root, 'workspace');
  const probeOut = path.join(root, 'probe.jsonl');
  // No endpoints: the figure is the extension's own start-up cost, not connect time.
  writeWorkspaceSettings(folder, { 'streamHealth.endpoints': [] });
  baselineExtension(path.join(root, 'baseline'));
  const baselineVsix = packageBaseline(path.join(root, 'baseline'));
  const server = await startCodeServer({
    entry: CODE_SERVER_ENTRY,
    rootDir: path.join(root, 'code-server'),
    vsix,
    moreVsix: [baselineVsix],
    trustAllWorkspaces: true,
    env: { [PROBE_ENV]: probeOut },
  });
  const browser = await launchBrowser();
  try {
    const wb = await openWorkbench(browser, server.folderUrl(folder));
    // The Running Extensions list only draws the rows in view, and the built-in extensions are many:
    // a very tall window draws them all, so both rows can be read.
    await wb.page.setViewportSize({ width: 1280, height: 12_000 });
    const ours: number[] = [];
    const empty: number[] = [];
    const texts: string[] = [];
    const readRow = async (name: string): Promise<number> => {
      const row = wb.page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: name }).first();
      await row.waitFor({ state: 'visible', timeout: 60_000 });
      const time = row.locator('.activation-time').first();
      await time.waitFor({ state: 'visible', timeout: 60_000 });
      const text = ((await time.textContent()) ?? '').trim();
      texts.push(`${name}: ${text}`);
      return Number(/([\d.]+)\s*ms/.exec(text)?.[1]);
    };
    for (let i = 0; i < loads; i++) {
      // A reload is a fresh window: the extension host starts and activates both extensions again.
      if (i > 0) await wb.reload();
      await wb.runCommand('Developer: Show Running Extensions');
      const a = await readRow(EXTENSION_NAME);
      const b = await readRow(BASELINE_NAME);
      if (Number.isFinite(a) && Number.isFinite(b)) {
        ours.push(a);
        empty.push(b);
      }
    }
    const probes = fs.existsSync(probeOut)
      ? fs.readFileSync(probeOut, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as ProbeLine)
      : [];
    const figures: Figure[] = [];
    if (ours.length === 0) {
      figures.push({ ...notMeasured('')[0]!, notMeasured: false, note: `could not read the activation times (saw: ${texts.join(' | ').slice(0, 200)})` });
    } else {
      const oursMs = median(ours);
      // Paired per load (both saw the same extension host start and the same load); Running Extensions
      // prints whole milliseconds, so an empty extension can read 0.
      const ratio = median(ours.map((ms, i) => ms / Math.max(empty[i]!, 1)));
      figures.push({
        id: 'extension.activationRatio',
        item: 5,
        label: 'activation vs empty extension (median of per-load ratios)',
        value: round(ratio, 2),
        unit: 'x',
        target: { op: '<=', value: RATIO_TARGET },
        baseline: `empty extension (onStartupFinished, activate() returns at once) in the same window: median ${round(median(empty), 1)} ms (${empty.join(', ')})`,
        note: `Stream Health median ${round(oursMs, 1)} ms (${ours.join(', ')}), VS Code's own measure (Running Extensions: code loading + activate call), ${ours.length} loads, no endpoints`,
      });
      const evals = probes.flatMap((p) => (p.evalMs === undefined ? [] : [p.evalMs]));
      const evalNote = evals.length ? `; evaluating dist/extension.cjs alone (again, warm, in the same host) takes a median ${round(median(evals), 1)} ms of that` : '';
      figures.push({ id: 'extension.activationMs', item: 5, label: 'activation time in code-server (median of loads)', value: round(oursMs, 1), unit: 'ms', note: `the same loads; the ratio above is the figure with a target; excess over the empty extension per load: ${ours.map((ms, i) => round(ms - empty[i]!, 0)).join(', ')} ms${evalNote}` });
    }
    const probe = probes.find((p) => !p.error);
    if (!probe) {
      figures.push({ ...notMeasured('')[1]!, notMeasured: false, target: { op: '<=', value: 0 }, note: `the probe reported nothing${probes[0]?.error ? `: ${probes[0].error}` : ''}` });
    } else {
      const bytes = probe.files.reduce((sum, f) => sum + f.bytes, 0);
      const transports = probe.files.filter((f) => f.file.startsWith(`dist${path.sep}transports${path.sep}`));
      figures.push({
        id: 'extension.activationTransportsKiB',
        item: 5,
        label: 'transport code loaded at activation',
        value: round(transports.reduce((sum, f) => sum + f.bytes, 0) / 1024, 1),
        unit: 'KiB',
        target: { op: '<=', value: 0 },
        note: `${transports.length ? `loaded: ${transports.map((f) => f.file).join(', ')}` : 'none of dist/transports/*.cjs (http, grpc, websocket) was required'}; the build (esbuild.mjs) fails if a transport library is bundled into dist/extension.cjs instead`,
      });
      figures.push({
        id: 'extension.activationJsKiB',
        item: 5,
        label: 'JavaScript loaded at activation',
        value: round(bytes / 1024, 1),
        unit: 'KiB',
        note: `files under the extension's folder in the extension host's require.cache once activate() resolved (probe in the empty extension, ${probes.length} loads): ${probe.files.map((f) => `${f.file} ${round(f.bytes / 1024, 1)} KiB`).join(', ')}`,
      });
    }
    return figures;
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const vsixAt = process.argv.indexOf('--vsix');
  const figures = await runActivation(numberArg('--loads', 5), vsixAt > 0 ? path.resolve(process.argv[vsixAt + 1]!) : VSIX_PATH);
  process.stdout.write(`${JSON.stringify({ figures })}\n`);
  process.exit(0);
}
