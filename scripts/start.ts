// `npm start`: builds and packages the extension, starts the lab, and serves a real VS Code
// (code-server on 127.0.0.1) with Stream Health installed and a workspace pointed at the lab.
// Ctrl-C stops everything it started.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLab } from '../src/lab/main.ts';
import type { RunningLab } from '../src/lab/main.ts';
import { ensureCodeServer } from './lib/code-server-install.ts';
import { startCodeServer, writeWorkspaceSettings } from './lib/code-server.ts';
import { packageExtension } from './lib/package-extension.ts';
import { REPO_ROOT, VSIX_PATH } from './lib/paths.ts';
import { cleanupAll, onCleanup } from './lib/processes.ts';

const USAGE = `usage: npm start [-- --port N] [--skip-package]
  --port N          serve VS Code on 127.0.0.1:N (default: a free port)
  --skip-package    reuse dist/stream-health.vsix instead of rebuilding it`;

interface StartArgs {
  readonly port: number;
  readonly skipPackage: boolean;
}

function parseArgs(argv: readonly string[]): StartArgs {
  let port = 0;
  let skipPackage = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port') {
      port = Number(argv[++i]);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port needs a port number\n${USAGE}`);
    } else if (arg === '--skip-package') {
      skipPackage = true;
    } else {
      throw new Error(`${arg === '--help' || arg === '-h' ? '' : `unknown option ${arg}\n`}${USAGE}`);
    }
  }
  return { port, skipPackage };
}

/** A short guide opened next to the workspace settings, so the demo explains itself. */
function workspaceReadme(lab: RunningLab): string {
  const rows = lab.notes.map((n) => `| \`${n.name}\` | ${n.note} |`);
  return [
    '# Stream Health lab workspace',
    '',
    `This workspace's \`.vscode/settings.json\` points Stream Health at the lab started by \`npm start\`.`,
    `Intermediary: ${lab.proxy.description}.`,
    '',
    '- The status bar (bottom left) shows `$(pulse) open/total`; hover it for one row per endpoint.',
    '- Click it (or run **Stream Health: Open Dashboard** from the Command Palette, F1) for the dashboard.',
    `- Within a minute: drops every ~${lab.proxy.idleTimeoutSeconds} s on the silent endpoints and the`,
    '  intermediary-idle-timeout finding with its fix; the freezer shows silent death when it is frozen.',
    '',
    '| endpoint | what it shows |',
    '|---|---|',
    ...rows,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const say = (line: string): void => console.log(`start: ${line}`);
  const t0 = performance.now();

  const vsix = args.skipPackage ? VSIX_PATH : await packageExtension(say);
  const entry = await ensureCodeServer(say);

  say('starting the lab (servers behind an idle-killing intermediary, plus a freezer)');
  const lab = await startLab();
  onCleanup(() => lab.stop());
  say(`lab up: ${lab.endpoints.length} endpoints; intermediary: ${lab.proxy.description}`);

  // Private state per run, removed on exit: the user's own VS Code settings are never touched.
  const runDir = join(REPO_ROOT, '.vscode-test', 'start', `run-${process.pid}`);
  mkdirSync(runDir, { recursive: true });
  onCleanup(() => rmSync(runDir, { recursive: true, force: true }));
  const workspace = join(runDir, 'workspace');
  writeWorkspaceSettings(workspace, { 'streamHealth.endpoints': lab.endpoints });
  writeFileSync(join(workspace, 'README.md'), workspaceReadme(lab));

  const server = await startCodeServer({
    entry,
    rootDir: join(runDir, 'code-server'),
    vsix,
    port: args.port,
    // The workspace is one this script just wrote, so it is trusted; untrusted behaviour is e2e-tested.
    trustAllWorkspaces: true,
    userSettings: { 'workbench.startupEditor': 'readme' },
    log: say,
  });

  const url = server.folderUrl(workspace);
  console.log(
    [
      '',
      `Stream Health is running in VS Code (code-server ${Math.round((performance.now() - t0) / 1000)} s after start):`,
      '',
      `    ${url}`,
      '',
      'Open it in a browser on this machine (bound to 127.0.0.1 only). Then:',
      '  - bottom-left status bar: "$(pulse) N/M" streams open; hover for details, click for the dashboard',
      '  - the dashboard: live cards, the timeline, drops at the intermediary\'s timeout, the histogram',
      `    with the inferred cutoff and the intermediary-idle-timeout finding (within about a minute)`,
      '  - the freezer endpoint is SIGSTOPped for 20 s every 60 s: silent death, then recovery',
      '',
      `Lab endpoints (${lab.proxy.description}):`,
      ...lab.notes.map((n) => `  ${n.name.padEnd(20)} ${n.note}`),
      '',
      `code-server log: ${server.logFile}`,
      'Ctrl-C stops VS Code and the lab.',
    ].join('\n'),
  );
  // Stay up until a signal; processes.ts's handlers stop the lab and code-server.
  setInterval(() => {}, 1 << 30);
}

main().catch(async (err: unknown) => {
  const e = err as { code?: string; message?: string };
  console.error(`start failed: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`);
  await cleanupAll();
  process.exit(1);
});
