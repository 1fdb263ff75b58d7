// Issue 7 item 5 (activation part): the extension's activation time in a real VS Code (code-server, the
// end-to-end harness's), as VS Code itself reports it in "Developer: Show Running Extensions", median of
// 5 window loads. Needs code-server installed in .vscode-test/ (the e2e suite or `npm start` does that)
// and dist/stream-health.vsix (`npm run package`); otherwise reported as not measured.
// Run alone: node bench/activation.ts [--loads N]; prints {"figures":[...]}.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchBrowser, openWorkbench } from '../scripts/lib/browser.ts';
import { isCodeServerInstalled } from '../scripts/lib/code-server-install.ts';
import { startCodeServer, writeWorkspaceSettings } from '../scripts/lib/code-server.ts';
import { CODE_SERVER_ENTRY, VSIX_PATH } from '../scripts/lib/paths.ts';
import { numberArg } from './lib/args.ts';
import type { Figure } from './lib/figures.ts';
import { median, round } from './lib/stats.ts';

const EXTENSION_NAME = 'Stream Health';

function figure(value: number | null, note: string, notMeasured = false): Figure {
  return { id: 'extension.activationMs', item: 5, label: `activation time in code-server (median of loads)`, value, unit: 'ms', note, notMeasured };
}

export async function runActivation(loads: number): Promise<Figure[]> {
  if (!isCodeServerInstalled()) return [figure(null, 'not measured: code-server is not installed in .vscode-test/ (run the e2e suite or npm start once)', true)];
  if (!fs.existsSync(VSIX_PATH)) return [figure(null, 'not measured: dist/stream-health.vsix missing (npm run package)', true)];
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-health-bench-activation-'));
  const folder = path.join(root, 'workspace');
  // No endpoints: the figure is the extension's own start-up cost, not connect time.
  writeWorkspaceSettings(folder, { 'streamHealth.endpoints': [] });
  const server = await startCodeServer({ entry: CODE_SERVER_ENTRY, rootDir: path.join(root, 'code-server'), vsix: VSIX_PATH, trustAllWorkspaces: true });
  const browser = await launchBrowser();
  try {
    const wb = await openWorkbench(browser, server.folderUrl(folder));
    const samples: number[] = [];
    const texts: string[] = [];
    for (let i = 0; i < loads; i++) {
      // A reload is a fresh window: the extension host starts and activates the extension again.
      if (i > 0) await wb.reload();
      await wb.runCommand('Developer: Show Running Extensions');
      const row = wb.page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: EXTENSION_NAME }).first();
      await row.waitFor({ state: 'visible', timeout: 60_000 });
      const time = row.locator('.activation-time').first();
      await time.waitFor({ state: 'visible', timeout: 60_000 });
      const text = ((await time.textContent()) ?? '').trim();
      texts.push(text);
      const ms = Number(/([\d.]+)\s*ms/.exec(text)?.[1]);
      if (Number.isFinite(ms)) samples.push(ms);
    }
    if (samples.length === 0) return [figure(null, `could not read the activation time (saw: ${texts.join(' | ').slice(0, 200)})`)];
    return [figure(round(median(samples), 1), `VS Code's own measure (Running Extensions), ${samples.length} loads: ${samples.map((s) => round(s, 0)).join(', ')} ms; code-server 4.139.1, activation event onStartupFinished, no endpoints`)];
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const figures = await runActivation(numberArg('--loads', 5));
  process.stdout.write(`${JSON.stringify({ figures })}\n`);
  process.exit(0);
}
