// Runs the in-extension-host Mocha suite (suite/) inside code-server's extension host, once per
// code-server build we support (the current one and the oldest VS Code engines.vscode accepts). The
// packaged extension and a small test-runner extension are installed with --install-extension; the
// runner's activate() runs the suite when the environment asks and writes the results to a file.
// A browser tab on the workbench is what makes code-server start the extension host.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { launchBrowser, openWorkbench } from '../../scripts/lib/browser.ts';
import { ensureCodeServer, isCodeServerInstalled } from '../../scripts/lib/code-server-install.ts';
import { startCodeServer } from '../../scripts/lib/code-server.ts';
import { packageExtension } from '../../scripts/lib/package-extension.ts';
import { CODE_SERVER_TARGETS, codeServerNode, selectedCodeServer } from '../../scripts/lib/paths.ts';
import { cleanupAll, onCleanup } from '../../scripts/lib/processes.ts';
import { buildHostTests, RUNNER_VSIX, SUITE_BUNDLE } from './build.ts';
import type { HostTestResults } from './runner/main.ts';

const log = (line: string): void => console.log(`# ${line}`);
/** The suite takes about 25 s; a runner that never activates must not hold CI for long. */
const RESULTS_TIMEOUT_MS = 150_000;
/** STREAM_HEALTH_CODE_SERVER narrows the run to one build; by default every build runs. */
const targets = process.env.STREAM_HEALTH_CODE_SERVER ? [selectedCodeServer()] : CODE_SERVER_TARGETS;

describe('in-extension-host API tests', { timeout: (targets.every((t) => isCodeServerInstalled(t)) ? 8 : 25) * 60_000 }, () => {
  let vsix: string;

  after(async () => {
    await cleanupAll();
  });

  test('build the extension, the suite and the runner', async () => {
    vsix = await packageExtension(log);
    await buildHostTests();
  });

  for (const target of targets) {
    test(`the suite passes in code-server ${target.version}`, async () => {
      assert.ok(vsix, 'the build step ran');
      const entry = await ensureCodeServer(log, target);
      const root = mkdtempSync(join(tmpdir(), 'stream-health-host-'));
      onCleanup(() => rmSync(root, { recursive: true, force: true }));
      const folder = join(root, 'workspace');
      mkdirSync(folder);
      const resultsFile = join(root, 'results.json');
      const started = performance.now();
      const server = await startCodeServer({
        entry,
        node: codeServerNode(target),
        rootDir: join(root, 'code-server'),
        vsix,
        moreVsix: [RUNNER_VSIX],
        trustAllWorkspaces: true,
        env: { STREAM_HEALTH_HOST_TESTS_SUITE: SUITE_BUNDLE, STREAM_HEALTH_HOST_TESTS_RESULTS: resultsFile },
        log,
      });
      try {
        const browser = await launchBrowser();
        await openWorkbench(browser, server.folderUrl(folder), { startupTrustDialog: target.startupTrustDialog });
        const deadline = Date.now() + RESULTS_TIMEOUT_MS;
        while (!existsSync(resultsFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      } finally {
        // The browser goes with the other cleanups; the server (and its extension host) now.
        await server.stop();
      }
      assert.ok(existsSync(resultsFile), `no results after ${RESULTS_TIMEOUT_MS / 1000} s; the extension host log is under ${join(root, 'code-server')}`);
      const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as HostTestResults;
      log(`VS Code ${results.vscodeVersion} (code-server ${target.version}): ${results.passed.length} passed, ${results.failed.length} failed in ${Math.round((performance.now() - started) / 1000)} s`);
      for (const title of results.passed) log(`  ok ${title}`);
      for (const f of results.failed) log(`  FAILED ${f.title}\n${f.error}`);
      assert.deepEqual(results.failed.map((f) => `${f.title}: ${f.error.split('\n')[0]}`), []);
      // A suite that ran nothing must not pass.
      assert.ok(results.passed.length >= 7, `only ${results.passed.length} tests ran`);
    });
  }
});
