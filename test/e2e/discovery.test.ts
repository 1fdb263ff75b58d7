// End to end: discovered MCP servers in a real VS Code (code-server). A workspace whose .vscode/mcp.json
// names a lab MCP server with an `${input:}` header: the notification appears once the folder is
// trusted, Monitor… + the password prompt start it, its card shows the source, editing the file's URL
// restarts it, and an untrusted copy of the workspace lists it as blocked without connecting.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startLab } from '../../src/lab/main.ts';
import type { RunningLab } from '../../src/lab/main.ts';
import { launchBrowser, openWorkbench } from '../../scripts/lib/browser.ts';
import type { Workbench } from '../../scripts/lib/browser.ts';
import { ensureCodeServer, isCodeServerInstalled } from '../../scripts/lib/code-server-install.ts';
import { startCodeServer } from '../../scripts/lib/code-server.ts';
import type { CodeServer } from '../../scripts/lib/code-server.ts';
import { packageExtension } from '../../scripts/lib/package-extension.ts';
import { TEST_RESULTS_DIR } from '../../scripts/lib/paths.ts';
import { cleanupAll, onCleanup } from '../../scripts/lib/processes.ts';
import { startCountingSseServer } from './servers.ts';

const LIVE_TIMEOUT_MS = 60_000;
const SERVER = 'lab-mcp';
const log = (line: string): void => console.log(`# ${line}`);
const SUITE_TIMEOUT_MS = (isCodeServerInstalled() ? 10 : 25) * 60_000;

function writeMcpJson(folder: string, url: string): void {
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  writeFileSync(join(folder, '.vscode', 'mcp.json'), `// written by the discovery e2e test
{
  "inputs": [{ "type": "promptString", "id": "lab-token", "description": "Lab API token", "password": true }],
  "servers": {
    "${SERVER}": { "type": "http", "url": "${url}", "headers": { "Authorization": "Bearer \${input:lab-token}" } },
    "local-tool": { "type": "stdio", "command": "node", "args": ["tool.js"] },
  },
}
`);
}

describe('Discovered MCP servers in a real VS Code', { timeout: SUITE_TIMEOUT_MS }, () => {
  let root: string;
  let lab: RunningLab;
  let server: CodeServer;
  let browser: Browser;
  let wb: Workbench;
  let workspace: string;
  let v2Url: string;
  let v1Url: string;

  const card = (name: string) => wb.webview(`[data-testid="card"][data-endpoint="${name}"]`);

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'stream-health-e2e-discovery-'));
    onCleanup(() => rmSync(root, { recursive: true, force: true }));
    const vsix = await packageExtension(log);
    const entry = await ensureCodeServer(log);
    lab = await startLab({
      proxyIdleSeconds: 5, heartbeatMs: 1000, freezeEverySeconds: 0,
      exclude: ['sse-heartbeat', 'sse-silent', 'websocket-ping', 'grpc-keepalive', 'grpc-silent', 'mcp-v1-sse', 'freezer'],
    });
    onCleanup(() => lab.stop());
    v2Url = lab.endpoints.find((e) => e.name === 'mcp-v2')!.url;
    v1Url = lab.endpoints.find((e) => e.name === 'mcp-v1-streamable')!.url;
    workspace = join(root, 'project');
    writeMcpJson(workspace, v2Url);
    // Only VS Code's own files: the machine's ~/.cursor, ~/.claude.json... are not this test's.
    server = await startCodeServer({ entry, rootDir: join(root, 'code-server'), vsix, log, userSettings: { 'streamHealth.discovery': ['vscode'] } });
    browser = await launchBrowser();
    wb = await openWorkbench(browser, server.folderUrl(workspace));
  });

  afterEach(async (t) => {
    if (!(t as { passed?: boolean }).passed && wb) {
      const file = join(TEST_RESULTS_DIR, `failed-discovery-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}.png`);
      await wb.screenshot(file).catch(() => {});
      log(`screenshot of the failure: ${file}`);
    }
  });

  after(async () => {
    await cleanupAll();
  });

  test('trusting the folder brings the notification; Monitor… and the password prompt start it; the card shows its source', async () => {
    await wb.trustWorkspace();
    const toast = wb.page.locator('.notification-toast', { hasText: 'Found 1 MCP server in .vscode/mcp.json' });
    await toast.waitFor({ state: 'visible', timeout: LIVE_TIMEOUT_MS });
    await toast.locator('.monaco-button', { hasText: 'Monitor…' }).click();
    // The multi-select pick comes with the offered server ticked; the stdio one is listed, not pickable.
    const pick = wb.quickInput.filter({ hasText: 'Monitor MCP Servers' });
    await pick.waitFor({ state: 'visible' });
    await pick.locator('.monaco-list-row', { hasText: 'not a network stream' }).waitFor({ state: 'visible' });
    await wb.page.keyboard.press('Enter');
    await wb.answerInput(/Lab API token/, 'e2e-lab-token');
    await wb.runCommand('Stream Health: Open Dashboard');
    await card(SERVER).waitFor({ state: 'visible', timeout: LIVE_TIMEOUT_MS });
    await wb.waitFor(`${SERVER} open`, async () => (await card(SERVER).getAttribute('data-state')) ?? '', (s) => s === 'open', LIVE_TIMEOUT_MS);
    assert.equal((await card(SERVER).locator('[data-testid="endpoint-source"]').textContent())?.trim(), 'from .vscode/mcp.json');
    assert.equal((await card(SERVER).locator('[data-testid="endpoint-url"]').textContent())?.trim(), v2Url);
  });

  test("editing the file's URL restarts that endpoint on the new URL", async () => {
    writeMcpJson(workspace, v1Url);
    await wb.waitFor('the card on the new URL', async () => (await card(SERVER).locator('[data-testid="endpoint-url"]').textContent())?.trim() ?? '', (u) => u === v1Url, LIVE_TIMEOUT_MS);
    await wb.waitFor(`${SERVER} open again`, async () => (await card(SERVER).getAttribute('data-state')) ?? '', (s) => s === 'open', LIVE_TIMEOUT_MS);
  });

  test('a file that turns invalid keeps its last good list and says which line', async () => {
    const file = join(workspace, '.vscode', 'mcp.json');
    writeFileSync(file, '{\n  "servers": {\n    "lab-mcp": { "type": "http", "url": "http://127.0.0.1:1/mcp" }\n    "oops": {}\n  }\n}\n');
    const toast = wb.page.locator('.notification-toast', { hasText: /\.vscode\/mcp\.json:4: not valid JSON \(CommaExpected at column 5\); still using its last valid content/ });
    await toast.waitFor({ state: 'visible', timeout: LIVE_TIMEOUT_MS });
    // Still a running endpoint on the last good URL: Reconnect… offers it, and it reopens there.
    await wb.runCommand('Stream Health: Reconnect…');
    await wb.pickItem(SERVER);
    await wb.waitFor('a manual drop', async () => (await card(SERVER).locator('[data-testid="field-lastDrop"]').textContent()) ?? '', (d) => /manual/.test(d), LIVE_TIMEOUT_MS);
    await wb.waitFor(`${SERVER} open again`, async () => (await card(SERVER).getAttribute('data-state')) ?? '', (s) => s === 'open', LIVE_TIMEOUT_MS);
    assert.equal((await card(SERVER).locator('[data-testid="endpoint-url"]').textContent())?.trim(), v1Url, 'not restarted on the half-edited URL');
    writeMcpJson(workspace, v1Url);
  });

  test('Copy Discovered Server to Settings… writes a settings entry with references only and stops following the file', async () => {
    await wb.runCommand('Stream Health: Copy Discovered Server to Settings…');
    await wb.pickItem(SERVER, 'Copy Discovered Server');
    const settingsFile = join(server.userDataDir, 'User', 'settings.json');
    const entry = await wb.waitFor('the entry in the user settings', async () => {
      const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
      return ((settings['streamHealth.endpoints'] as Record<string, unknown>[] | undefined) ?? []).find((e) => e.name === SERVER);
    }, (e) => e !== undefined);
    assert.deepEqual(entry, { name: SERVER, kind: 'mcp', url: v1Url, headers: { Authorization: 'Bearer ${secret:mcp.input.lab-token}' } });
    assert.ok(!readFileSync(settingsFile, 'utf8').includes('e2e-lab-token'), 'the secret value is not in the settings file');
    // Now a settings endpoint: no source line, and still open.
    await wb.waitFor('the source line gone', async () => card(SERVER).locator('[data-testid="endpoint-source"]').isHidden(), (hidden) => hidden);
    await wb.waitFor(`${SERVER} open`, async () => (await card(SERVER).getAttribute('data-state')) ?? '', (s) => s === 'open', LIVE_TIMEOUT_MS);
  });

  test('an untrusted copy of the workspace lists the server as blocked and does not connect', async () => {
    const counting = await startCountingSseServer();
    onCleanup(() => counting.close());
    const copy = join(root, 'untrusted-copy');
    writeMcpJson(copy, counting.url);
    const other = await openWorkbench(browser, server.folderUrl(copy));
    try {
      await other.statusBarEntry('status.workspaceTrust').waitFor({ state: 'visible' });
      await other.runCommand('Stream Health: Open Dashboard');
      const blocked = other.webview(`[data-testid="blocked-endpoint"][data-endpoint="${SERVER}"]`);
      await blocked.waitFor({ state: 'visible', timeout: LIVE_TIMEOUT_MS });
      assert.match((await blocked.textContent()) ?? '', /blocked until you trust this workspace/);
      assert.equal(counting.requests(), 0, 'the untrusted copy made no connection');
    } catch (err) {
      await other.screenshot(join(TEST_RESULTS_DIR, 'failed-discovery-untrusted.png')).catch(() => {});
      throw err;
    } finally {
      await other.page.context().close();
    }
  });
});
