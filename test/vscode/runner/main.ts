// The test-runner extension for code-server: when STREAM_HEALTH_HOST_TESTS_SUITE and
// STREAM_HEALTH_HOST_TESTS_RESULTS are set (only the in-host harness sets them), its activate() runs
// the bundled Mocha suite inside the extension host and writes the results as JSON. Otherwise inert.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as vscode from 'vscode';

export interface HostTestResults {
  readonly vscodeVersion: string;
  readonly passed: string[];
  readonly failed: { readonly title: string; readonly error: string }[];
}

export async function activate(): Promise<void> {
  const suite = process.env.STREAM_HEALTH_HOST_TESTS_SUITE;
  const resultsFile = process.env.STREAM_HEALTH_HOST_TESTS_RESULTS;
  if (!suite || !resultsFile) return;
  const write = (results: HostTestResults): void => writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  try {
    // Mocha from the repository's node_modules (next to the suite), not bundled: it loads reporters
    // and interfaces by path.
    const Mocha = createRequire(suite)('mocha') as typeof import('mocha');
    const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'base' });
    mocha.addFile(suite);
    const passed: string[] = [];
    const failed: { title: string; error: string }[] = [];
    await new Promise<void>((resolve) => {
      mocha.run()
        .on('pass', (test) => passed.push(test.fullTitle()))
        .on('fail', (test, error: Error) => failed.push({ title: test.fullTitle(), error: error.stack ?? String(error) }))
        .on('end', () => resolve());
    });
    write({ vscodeVersion: vscode.version, passed, failed });
  } catch (error) {
    write({ vscodeVersion: vscode.version, passed: [], failed: [{ title: 'loading the suite', error: (error as Error).stack ?? String(error) }] });
  }
}

export function deactivate(): void {}
