// End to end: the packaged extension in a real VS Code (code-server 4.139 = VS Code 1.139 by default;
// STREAM_HEALTH_CODE_SERVER=4.99.4 for VS Code 1.99, the oldest engines.vscode accepts) driven by
// Playwright through Debian's Chromium, against the lab's real servers behind a real idle-killing proxy.
// One code-server, one browser and one lab are shared by every test; each test waits on observable state.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { parseEndpoints } from '../../src/core/config.ts';
import { startLab } from '../../src/lab/main.ts';
import type { LabEndpoint, RunningLab } from '../../src/lab/main.ts';
import { launchBrowser, openWorkbench, THEMES } from '../../scripts/lib/browser.ts';
import type { ThemeKind, Workbench } from '../../scripts/lib/browser.ts';
import { ensureCodeServer, isCodeServerInstalled } from '../../scripts/lib/code-server-install.ts';
import { startCodeServer, writeWorkspaceSettings } from '../../scripts/lib/code-server.ts';
import type { CodeServer } from '../../scripts/lib/code-server.ts';
import { packageExtension } from '../../scripts/lib/package-extension.ts';
import { codeServerNode, CURRENT_CODE_SERVER, SCREENSHOTS_DOC_DIR, selectedCodeServer, TEST_RESULTS_DIR } from '../../scripts/lib/paths.ts';
import { cleanupAll, onCleanup } from '../../scripts/lib/processes.ts';
import { startLabServer } from '../../src/lab/servers/index.ts';
import { startSquid } from '../integration/support/forwardProxy.ts';
import type { ForwardProxy } from '../integration/support/forwardProxy.ts';
import { HOSTILE_TEXT, startCountingSseServer, startHostileServer } from './servers.ts';
import type { TestServer } from './servers.ts';

const STATUS_ITEM_ID = 'stream-health.stream-health.streamHealth.status';
const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
/** Endpoints that heartbeat and stay up: the status bar count is steady with only these. */
const STEADY = ['sse-heartbeat', 'websocket-ping', 'freezer'];
const LIVE_TIMEOUT_MS = 60_000;

const log = (line: string): void => console.log(`# ${line}`);

// With a cached code-server the suite takes about 4 minutes; a first run also installs it (~8 minutes).
const TARGET = selectedCodeServer();
const WORKBENCH_OPTIONS = { themes: TARGET.themes, startupTrustDialog: TARGET.startupTrustDialog };
const SUITE_TIMEOUT_MS = (isCodeServerInstalled(TARGET) ? 12 : 25) * 60_000;

describe(`Stream Health in a real VS Code (code-server ${TARGET.version})`, { timeout: SUITE_TIMEOUT_MS }, () => {
  let root: string;
  let lab: RunningLab;
  let hostile: TestServer;
  let server: CodeServer;
  let browser: Browser;
  let wb: Workbench;
  let trusted: string;
  let steady: LabEndpoint[];
  let silent: LabEndpoint;
  let squid: ForwardProxy;

  const statusText = async (): Promise<string> => (await wb.statusBarEntry(STATUS_ITEM_ID).innerText()).trim();
  const waitStatus = (expected: string, timeoutMs = LIVE_TIMEOUT_MS): Promise<string> =>
    wb.waitFor(`status bar "${expected}"`, statusText, (t) => t.endsWith(expected), timeoutMs);
  const card = (name: string) => wb.webview(`[data-testid="card"][data-endpoint="${cssString(name)}"]`);
  const cardField = async (name: string, field: string): Promise<string> =>
    (await card(name).locator(`[data-testid="field-${field}"]`).textContent()) ?? '';
  const cardState = async (name: string): Promise<string> => (await card(name).getAttribute('data-state')) ?? '';

  before(async () => {
    const t0 = performance.now();
    root = mkdtempSync(join(tmpdir(), 'stream-health-e2e-'));
    onCleanup(() => rmSync(root, { recursive: true, force: true }));
    const vsix = await packageExtension(log);
    const entry = await ensureCodeServer(log, TARGET);
    // Short proxy timeout and fast heartbeats so drops and findings come within seconds; the freezer
    // is frozen by the test, not on a schedule.
    lab = await startLab({
      proxyIdleSeconds: 2,
      heartbeatMs: 1000,
      freezeEverySeconds: 0,
      exclude: ['grpc-silent', 'mcp-v1-streamable', 'mcp-v1-sse', 'mcp-v2', 'grpc-keepalive'],
    });
    onCleanup(() => lab.stop());
    log(`lab: ${lab.proxy.description}`);
    hostile = await startHostileServer();
    onCleanup(() => hostile.close());
    steady = STEADY.map((name) => lab.endpoints.find((e) => e.name === name)!);
    silent = lab.endpoints.find((e) => e.name === 'sse-silent')!;
    assert.ok(steady.every(Boolean) && silent, 'the lab provides the endpoints this suite uses');

    trusted = join(root, 'trusted');
    writeWorkspaceSettings(trusted, { 'streamHealth.endpoints': steady });
    // A forward proxy in the settings from the start; the lab's 127.0.0.1 endpoints still go direct.
    // Written to the user and the machine (Remote) settings before code-server starts: which one a remote
    // extension host reads depends on http.useLocalProxyConfiguration, and a live edit of code-server's
    // user settings file did not reach its extension host in our runs (re-routing on a settings change
    // is covered by the unit tests).
    squid = await startSquid();
    onCleanup(() => squid.stop());
    server = await startCodeServer({ entry, rootDir: join(root, 'code-server'), node: codeServerNode(TARGET), vsix, log, userSettings: { 'http.proxy': squid.url }, machineSettings: { 'http.proxy': squid.url } });
    browser = await launchBrowser();
    wb = await openWorkbench(browser, server.folderUrl(trusted), WORKBENCH_OPTIONS);
    // Workspace trust lives in the browser's storage: grant it as a user would.
    await wb.trustWorkspace();
    log(`setup took ${Math.round(performance.now() - t0)} ms`);
  });

  afterEach(async (t) => {
    // A failing test leaves a picture of the workbench behind for whoever reads the CI log.
    if (!(t as { passed?: boolean }).passed && wb) {
      const file = join(TEST_RESULTS_DIR, `failed-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
      await wb.screenshot(file).catch(() => {});
      log(`screenshot of the failure: ${file}`);
      // And what the extension itself said: the tail of its log channel's file.
      for (const line of extensionLogTail(server?.userDataDir, 25)) log(`extension log: ${line}`);
    }
  });

  after(async () => {
    await cleanupAll();
  });

  test('activates and shows the aggregate count in the status bar', async () => {
    await waitStatus(`${steady.length}/${steady.length}`);
    const label = await wb.statusBarEntry(STATUS_ITEM_ID).getAttribute('aria-label');
    assert.match(label ?? '', /Stream Health/);
  });

  test('Open Dashboard shows a live card per endpoint', async () => {
    await wb.runCommand('Stream Health: Open Dashboard');
    await wb.waitFor('a card per endpoint', () => wb.webview('[data-testid="card"]').count(), (n) => n === steady.length);
    await wb.waitFor('sse-heartbeat open', () => cardState('sse-heartbeat'), (s) => s === 'open');
    // Live: the stream age ticks while we watch.
    const first = await cardField('sse-heartbeat', 'age');
    await wb.waitFor('the stream age to tick', () => cardField('sse-heartbeat', 'age'), (a) => a !== first && a !== 'not connected');
    // The age can tick before the first server heartbeat (every 1 s) has arrived: wait for it.
    await wb.waitFor('a server heartbeat on the card', () => cardField('sse-heartbeat', 'lastHeartbeat'), (t) => /in .*ago|in just now/.test(t));
  });

  test('the status bar count drops when an endpoint freezes and comes back when it recovers', async () => {
    await waitStatus(`${steady.length}/${steady.length}`);
    lab.freezer!.freeze();
    try {
      // SIGSTOP: no FIN, no RST; only the watchdog can notice.
      await waitStatus(`${steady.length - 1}/${steady.length}`);
      await wb.waitFor('a watchdog drop of the freezer', () => cardField('freezer', 'lastDrop'), (d) => /watchdog|silent/i.test(d));
    } finally {
      lab.freezer!.thaw();
    }
    await wb.waitFor('the freezer open again', () => cardState('freezer'), (s) => s === 'open');
    await waitStatus(`${steady.length}/${steady.length}`);
  });

  test('new endpoints start from settings: drops and the intermediary idle-timeout finding for the silent one', async () => {
    const hostileEntry = { name: HOSTILE_NAME, kind: 'sse', url: hostile.url, heartbeatSeconds: 5, reconnect: { initialDelaySeconds: 1, maxDelaySeconds: 2 } };
    writeWorkspaceSettings(trusted, { 'streamHealth.endpoints': [...steady, silent, hostileEntry] });
    await wb.waitFor('the new cards', () => wb.webview('[data-testid="card"]').count(), (n) => n === steady.length + 2);

    const finding = wb.webview(`[data-testid="finding"][data-finding="intermediary-idle-timeout"][data-endpoint="sse-silent"]`);
    await finding.waitFor({ state: 'visible', timeout: 90_000 });
    const evidence = (await finding.locator('[data-testid="finding-evidence"]').textContent()) ?? '';
    log(`finding evidence: ${evidence}`);
    // The lab's proxy cuts after 2 s of silence and the estimate must say so. Generously: the extension
    // host shares two cores with code-server and Chromium here, so it can see the stream's last byte
    // late (seen once: 1.8 s). The estimate's precision is proven in the integration tests.
    // Parsed, not pattern-matched: the estimate may print with two decimals (1.99 s).
    const estimate = Number(/estimate ≈ ([\d.]+) s/.exec(evidence)?.[1]);
    assert.ok(estimate >= 1.5 && estimate <= 2.5, `estimate ${estimate} s for a 2 s proxy (${evidence})`);
    const drops = await cardField('sse-silent', 'drops');
    assert.match(drops, /^[1-9]\d* drops? in 1 h/);
    await wb.webview('[data-testid="forensics-endpoint"][data-endpoint="sse-silent"]').waitFor({ state: 'visible' });
    // The steady endpoints are still open: the change did not restart them.
    assert.equal(await cardState('sse-heartbeat'), 'open');
  });

  test('an endpoint named like HTML whose server answers with a <script> renders as text', async () => {
    const hostileCard = card(HOSTILE_NAME);
    await hostileCard.waitFor({ state: 'visible', timeout: LIVE_TIMEOUT_MS });
    assert.equal((await hostileCard.locator('[data-testid="endpoint-name"]').textContent())?.trim(), HOSTILE_NAME);
    await wb.waitFor('the server text on the card', () => cardField(HOSTILE_NAME, 'note'), (n) => n.includes(HOSTILE_TEXT));
    assert.ok(hostile.requests() > 0, 'the hostile server was contacted');
    assert.equal(await wb.webview('img').count(), 0, 'no <img> element was created in the dashboard');
    const scripts = await wb.webview('script').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    assert.ok(!scripts.some((t) => t.includes('alert')), 'no injected <script> element');
    assert.deepEqual(wb.dialogs, [], 'no dialog was opened or attempted by any frame');
    assert.deepEqual(wb.cspViolations, [], 'nothing injected was even attempted (CSP refusals)');
    // Control: an alert from the dashboard's frame IS seen by this harness (the webview sandbox blocks
    // it, Chromium reports that), so the empty list above means something.
    await wb.webview('body').evaluate(() => (globalThis as unknown as { alert(text: string): void }).alert('harness probe'));
    await wb.waitFor('the probe alert to be reported', async () => wb.dialogs.length, (n) => n === 1, 10_000);
    log(`probe seen as: ${wb.dialogs[0]}`);
    wb.dialogs.length = 0;
  });

  test('Reconnect… restarts the picked endpoint\'s session', async () => {
    await wb.waitFor('websocket-ping open', () => cardState('websocket-ping'), (s) => s === 'open');
    assert.doesNotMatch(await cardField('websocket-ping', 'lastDrop'), /manual/);
    await wb.runCommand('Stream Health: Reconnect…');
    await wb.pickItem('websocket-ping');
    await wb.waitFor('a manual drop', () => cardField('websocket-ping', 'lastDrop'), (d) => /manual/.test(d));
    await wb.waitFor('websocket-ping open again', () => cardState('websocket-ping'), (s) => s === 'open');
  });

  test('Pause Monitoring… and Resume Monitoring…', async () => {
    await wb.runCommand('Stream Health: Pause Monitoring…');
    await wb.pickItem('sse-heartbeat');
    await wb.waitFor('sse-heartbeat paused', () => cardState('sse-heartbeat'), (s) => s === 'paused');
    await wb.runCommand('Stream Health: Resume Monitoring…');
    await wb.pickItem('sse-heartbeat');
    await wb.waitFor('sse-heartbeat open again', () => cardState('sse-heartbeat'), (s) => s === 'open');
  });

  test('Export Report… writes a JSON file holding the history', async () => {
    const before = new Set(readdirSync(trusted));
    await wb.runCommand('Stream Health: Export Report…');
    await wb.pickItem('JSON', 'Export Report');
    // code-server's save dialog is VS Code's own path input, prefilled with the workspace folder.
    const dialog = wb.quickInput.filter({ hasText: 'Export Stream Health Report' });
    await dialog.waitFor({ state: 'visible' });
    // On a loaded machine an Enter pressed while the dialog is still filling in its path and
    // listing the folder is lost (seen: the dialog stayed open, prefilled, for 30 s). Wait for the
    // prefilled name and the listing; press again (at most twice) only while the dialog is still open.
    const input = dialog.locator('.quick-input-box input');
    await wb.waitFor('the prefilled report name', () => input.inputValue(), (v) => /stream-health-report-.*\.json$/.test(v));
    await dialog.locator('.monaco-list-row').first().waitFor({ state: 'visible' });
    const newReport = async () => readdirSync(trusted).find((f) => !before.has(f) && /^stream-health-report-.*\.json$/.test(f));
    for (let press = 0; press < 3; press++) {
      if (press > 0 && !(await dialog.isVisible())) break;
      await input.press('Enter');
      try {
        await wb.waitFor('the report file', newReport, (f) => f !== undefined, 5000);
        break;
      } catch {
        // still no file: loop, pressing again only if the dialog is still open
      }
    }
    const file = await wb.waitFor('the report file', newReport, (f) => f !== undefined);
    const path = join(trusted, file!);
    const report = await wb.waitFor('a complete report', async () => JSON.parse(readFileSync(path, 'utf8')) as Report, (r) => r.tool === 'stream-health');
    const silentHistory = report.history.endpoints['sse-silent'];
    assert.ok(silentHistory, 'the report holds sse-silent\'s history');
    assert.ok(silentHistory.drops.length >= 3, `sse-silent has drops in the report (${silentHistory.drops.length})`);
    assert.ok(report.history.endpoints['freezer']!.drops.some((d) => d.cause === 'watchdog'), 'the freeze is in the report');
    assert.ok(report.endpoints.some((e) => e.name === 'sse-heartbeat'));
    await wb.closeQuickInput();
  });

  test('Add Endpoint… writes a valid settings entry that starts monitoring', async () => {
    const sse = steady.find((e) => e.name === 'sse-heartbeat')!;
    await wb.runCommand('Stream Health: Add Endpoint…');
    await wb.pickItem('sse', '(1/7)');
    await wb.answerInput('(2/7)', sse.url);
    await wb.answerInput('(3/7)', 'added-sse');
    await wb.answerInput('(4/7)', '2');
    await wb.pickItem('No header', '(5/7)');
    await wb.pickItem('Default network', '(6/7)');
    await wb.pickItem('Workspace settings', '(7/7)');
    const settingsFile = join(trusted, '.vscode', 'settings.json');
    const entries = await wb.waitFor(
      'the new settings entry',
      async () => (JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown[]>)['streamHealth.endpoints'] ?? [],
      (list) => list.some((e) => (e as { name?: string }).name === 'added-sse'),
    );
    const added = entries.find((e) => (e as { name?: string }).name === 'added-sse');
    const parsed = parseEndpoints([added]);
    assert.deepEqual(parsed.issues, []);
    assert.equal(parsed.endpoints[0]!.url, sse.url);
    assert.equal(parsed.endpoints[0]!.kind, 'sse');
    await wb.waitFor('added-sse open', () => cardState('added-sse'), (s) => s === 'open');
  });

  test('an invalid settings entry is listed on the dashboard by name while the others keep running', async () => {
    const settingsFile = join(trusted, '.vscode', 'settings.json');
    const saved = readFileSync(settingsFile, 'utf8');
    const settings = JSON.parse(saved) as Record<string, unknown[]>;
    const cardsBefore = await wb.webview('[data-testid="card"]').count();
    writeFileSync(settingsFile, JSON.stringify({ ...settings, 'streamHealth.endpoints': [...settings['streamHealth.endpoints']!, { name: 'typo-url', kind: 'sse', url: 'htp://127.0.0.1:1/events' }] }, null, 2));
    try {
      const listed = await wb.waitFor('the invalid entry on the dashboard', () => wb.webview('[data-testid="invalid-entry"]').allInnerTexts(), (t) => t.length > 0);
      assert.equal(listed.length, 1, listed.join('\n'));
      assert.match(listed[0]!, /endpoints\[\d+\]\.url: .*htp: \(entry "typo-url"\)/);
      assert.equal(await wb.webview('[data-testid="card"]').count(), cardsBefore, 'no card for the invalid entry, none lost');
      assert.equal(await cardState('sse-heartbeat'), 'open');
    } finally {
      writeFileSync(settingsFile, saved);
    }
    await wb.waitFor('the list gone once fixed', () => wb.webview('[data-testid="invalid-entry"]').count(), (n) => n === 0);
    await wb.runCommand('Notifications: Clear All Notifications');
  });

  test('with http.proxy in the settings, an endpoint opens through a real squid, and the card names it', async () => {
    // 127.0.0.2 is loopback but not one of the three hosts VS Code (and so Stream Health) always send direct.
    const viaProxy = await startLabServer('sse', { heartbeatMs: 1000, host: '127.0.0.2' });
    onCleanup(() => viaProxy.close());
    // The extension logs the network settings it applies (never credentials).
    const expectedLog = `auto proxy http://127.0.0.1:${squid.port} from VS Code http.proxy`;
    assert.ok(extensionLogTail(server.userDataDir, 50, /network:/).some((l) => l.includes(expectedLog)), `the log names the proxy: ${extensionLogTail(server.userDataDir, 5, /network:/).join(' | ')}`);
    const settingsFile = join(trusted, '.vscode', 'settings.json');
    const saved = readFileSync(settingsFile, 'utf8');
    const settings = JSON.parse(saved) as Record<string, unknown[]>;
    try {
      writeFileSync(settingsFile, JSON.stringify({ ...settings, 'streamHealth.endpoints': [...settings['streamHealth.endpoints']!, { name: 'via-squid', kind: 'sse', url: viaProxy.url, heartbeatSeconds: 5 }] }, null, 2));
      await wb.waitFor('via-squid open', () => cardState('via-squid'), (s) => s === 'open');
      const route = await cardField('via-squid', 'route');
      log(`via-squid route: ${route}`);
      assert.match(route, new RegExp(`via proxy http://127\\.0\\.0\\.1:${squid.port} \\(VS Code http\\.proxy\\)`));
      assert.equal(await cardField('sse-heartbeat', 'route'), '', 'a 127.0.0.1 endpoint still goes direct');
    } finally {
      writeFileSync(settingsFile, saved);
    }
    // squid writes a tunnel's line when it closes, which removing the endpoint does.
    await squid.waitForLog(new RegExp(`TCP_TUNNEL/200 .*CONNECT 127\\.0\\.0\\.2:${viaProxy.port} `), 30_000);
  });

  test('a window reload restores the dashboard and the history', async () => {
    const freezerDrops = await cardField('freezer', 'drops');
    log(`freezer before reload: ${freezerDrops}`);
    assert.match(freezerDrops, /^[1-9]/, 'the freeze left a drop');
    await wb.reload();
    // No command: the serializer brings the panel back.
    await card('freezer').waitFor({ state: 'visible', timeout: LIVE_TIMEOUT_MS });
    // The freezer was not frozen again, so a drop count can only come from the restored history.
    await wb.waitFor('the restored freezer drops', () => cardField('freezer', 'drops'), (d) => d === freezerDrops);
    await wb.webview('[data-testid="finding"][data-endpoint="sse-silent"]').first().waitFor({ state: 'visible', timeout: LIVE_TIMEOUT_MS });
  });

  test('screenshots of the dashboard in light and dark themes', async () => {
    mkdirSync(TEST_RESULTS_DIR, { recursive: true });
    await wb.runCommand('Notifications: Clear All Notifications');
    await wb.runCommand('View: Close Primary Side Bar');
    // Tall enough to show the findings and the cards below them.
    const viewport = wb.page.viewportSize();
    await wb.page.setViewportSize({ width: 1400, height: 2200 });
    onCleanup(() => (viewport ? wb.page.setViewportSize(viewport) : undefined));
    for (const kind of ['light', 'dark'] as ThemeKind[]) {
      await wb.setTheme(kind);
      // The webview follows the theme through its body class.
      await wb.waitFor(`the dashboard in ${kind}`, () => wb.webview('body').getAttribute('class'), (c) => (c ?? '').includes(kind === 'light' ? 'vscode-light' : 'vscode-dark'));
      await wb.waitFor('a finding on screen', () => wb.webview('[data-testid="finding"]').first().isVisible(), Boolean);
      // Findings keep arriving as toasts; one over the forensics spoils the README's picture.
      await wb.runCommand('Notifications: Clear All Notifications');
      const file = join(TEST_RESULTS_DIR, `dashboard-${kind}.png`);
      await wb.screenshot(file);
      assert.ok(existsSync(file));
      // The README shows the current release; an older one's pictures stay in test-results/.
      if (TARGET === CURRENT_CODE_SERVER) {
        mkdirSync(SCREENSHOTS_DOC_DIR, { recursive: true });
        copyFileSync(file, join(SCREENSHOTS_DOC_DIR, `dashboard-${kind}.png`));
      }
    }
    if (viewport) await wb.page.setViewportSize(viewport);
  });

  test('the Stream Health view lists the endpoints and the Problems panel shows the finding on its settings entry', async () => {
    await wb.runCommand('View: Show Stream Health');
    // Rows carry "<name>: <description>" as their accessible label.
    const row = (name: string) => wb.page.locator(`.monaco-list-row[aria-label^="${cssString(name)}: "]`);
    await row('sse-heartbeat').waitFor({ state: 'visible', timeout: LIVE_TIMEOUT_MS });
    assert.match((await row('sse-heartbeat').getAttribute('aria-label')) ?? '', /: open /);
    await row('sse-silent').waitFor({ state: 'visible' });
    await wb.page.keyboard.press('Control+Shift+M');
    const marker = wb.page.locator('.markers-panel .monaco-list-row', { hasText: 'sse-silent: streams' });
    await marker.first().waitFor({ state: 'visible', timeout: LIVE_TIMEOUT_MS });
    const text = (await marker.first().innerText()).replace(/\s+/g, ' ');
    assert.match(text, /Stream Health/);
    assert.match(text, /intermediary-idle-timeout/);
    await wb.page.keyboard.press('Control+Shift+M');
  });

  test('an untrusted workspace does not connect to its configured endpoints', async () => {
    const counting = await startCountingSseServer();
    onCleanup(() => counting.close());
    const untrusted = join(root, 'untrusted');
    writeWorkspaceSettings(untrusted, { 'streamHealth.endpoints': [{ name: 'untrusted-sse', kind: 'sse', url: counting.url, heartbeatSeconds: 2 }] });
    const other = await openWorkbench(browser, server.folderUrl(untrusted), WORKBENCH_OPTIONS);
    try {
      await other.statusBarEntry('status.workspaceTrust').waitFor({ state: 'visible' });
      await other.runCommand('Stream Health: Open Dashboard');
      // The extension has read the settings and says why the endpoint is not running.
      await other.webview('[data-testid="blocked-endpoint"][data-endpoint="untrusted-sse"]').waitFor({ state: 'visible', timeout: LIVE_TIMEOUT_MS });
      assert.equal(counting.requests(), 0, 'the lab server saw no connection from the untrusted workspace');
      // Control: the same settings connect once the user trusts the folder.
      await other.trustWorkspace();
      await other.waitFor('a connection after trust', async () => counting.requests(), (n) => n > 0, LIVE_TIMEOUT_MS);
    } catch (err) {
      await other.screenshot(join(TEST_RESULTS_DIR, 'failed-untrusted-window.png')).catch(() => {});
      throw err;
    } finally {
      await other.page.context().close();
    }
  });
});

interface Report {
  readonly tool: string;
  readonly endpoints: { readonly name: string }[];
  readonly history: { readonly endpoints: Record<string, { readonly drops: { readonly cause: string }[] }> };
}

/** The last `lines` lines of the Stream Health log channel's file under code-server's user data. */
function extensionLogTail(userDataDir: string | undefined, lines: number, only?: RegExp): string[] {
  if (!userDataDir) return [];
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 6 || !existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, depth + 1);
      else if (/Stream Health\.log$/.test(entry.name)) found.push(path);
    }
  };
  walk(join(userDataDir, 'logs'), 0);
  return found.flatMap((file) => readFileSync(file, 'utf8').trimEnd().split('\n').filter((l) => !only || only.test(l)).slice(-lines));
}

/** Quotes a value for a CSS attribute selector. */
function cssString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
