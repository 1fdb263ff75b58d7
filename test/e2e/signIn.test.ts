// End to end: OAuth sign-in from the dashboard card in a real VS Code (code-server), against an MCP SDK
// server protected by the SDK's own auth (test/integration/support/oauthMcpServer.ts). The page the
// extension opens with openExternal is a tab of the test's Chromium; the authorization server approves
// at once and redirects to the extension's loopback. A reload keeps the session; Sign Out clears it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, openWorkbench } from '../../scripts/lib/browser.ts';
import type { Workbench } from '../../scripts/lib/browser.ts';
import { ensureCodeServer, isCodeServerInstalled } from '../../scripts/lib/code-server-install.ts';
import { startCodeServer, writeWorkspaceSettings } from '../../scripts/lib/code-server.ts';
import type { CodeServer } from '../../scripts/lib/code-server.ts';
import { packageExtension } from '../../scripts/lib/package-extension.ts';
import { TEST_RESULTS_DIR } from '../../scripts/lib/paths.ts';
import { cleanupAll, onCleanup } from '../../scripts/lib/processes.ts';
import { startOAuthMcpServer } from '../integration/support/oauthMcpServer.ts';
import type { OAuthMcpServer } from '../integration/support/oauthMcpServer.ts';

const NAME = 'oauth-mcp';
const LIVE_TIMEOUT_MS = 60_000;
const log = (line: string): void => console.log(`# ${line}`);
const SUITE_TIMEOUT_MS = (isCodeServerInstalled() ? 10 : 25) * 60_000;

describe('Signing in to an OAuth MCP server from VS Code', { timeout: SUITE_TIMEOUT_MS }, () => {
  let oauth: OAuthMcpServer;
  let server: CodeServer;
  let browser: Browser;
  let wb: Workbench;

  const card = () => wb.webview(`[data-testid="card"][data-endpoint="${NAME}"]`);
  const cardState = async (): Promise<string> => (await card().getAttribute('data-state')) ?? '';
  const badge = async (): Promise<string> => (await card().locator('[data-testid="state-badge"]').textContent()) ?? '';

  before(async () => {
    const root = mkdtempSync(join(tmpdir(), 'stream-health-e2e-signin-'));
    onCleanup(() => rmSync(root, { recursive: true, force: true }));
    const vsix = await packageExtension(log);
    const entry = await ensureCodeServer(log);
    oauth = await startOAuthMcpServer({ scopes: ['mcp:read'] });
    onCleanup(() => oauth.close());
    const folder = join(root, 'workspace');
    writeWorkspaceSettings(folder, { 'streamHealth.endpoints': [{ name: NAME, kind: 'mcp', url: oauth.url, heartbeatSeconds: 5 }] });
    server = await startCodeServer({ entry, rootDir: join(root, 'code-server'), vsix, log });
    browser = await launchBrowser();
    wb = await openWorkbench(browser, server.folderUrl(folder));
    await wb.trustWorkspace();
  });

  afterEach(async (t) => {
    if (!(t as { passed?: boolean }).passed && wb) await wb.screenshot(join(TEST_RESULTS_DIR, `failed-signin-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}.png`)).catch(() => {});
  });

  after(async () => {
    await cleanupAll();
  });

  test('the card says "Sign in required" and the server saw one attempt, not a retry storm', async () => {
    await wb.runCommand('Stream Health: Open Dashboard');
    await wb.waitFor('the sign-in badge', badge, (b) => b.includes('Sign in required'), LIVE_TIMEOUT_MS);
    assert.equal(await cardState(), 'failed');
    assert.ok(await card().locator('[data-testid="action-sign-in"]').isVisible());
    const seen = oauth.stats.unauthorized;
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(oauth.stats.unauthorized, seen, 'no retries while waiting for the sign-in');
  });

  test('Sign In from the card completes in the browser and the card turns open', async () => {
    const tab = wb.page.context().waitForEvent('page', { timeout: LIVE_TIMEOUT_MS });
    await card().locator('[data-testid="action-sign-in"]').click();
    // code-server asks before opening an external link: allow it like a user.
    const opened = await Promise.race([
      tab,
      wb.page.getByRole('button', { name: 'Open' }).click({ timeout: LIVE_TIMEOUT_MS }).then(() => tab),
    ]);
    // Origin and path only: the query holds the authorization code.
    log(`the browser tab is at ${new URL(opened.url()).origin}${new URL(opened.url()).pathname}`);
    await opened.waitForLoadState('load', { timeout: LIVE_TIMEOUT_MS });
    await wb.waitFor('the redirect page to say signed in', async () => (await opened.textContent('body').catch(() => '')) ?? '', (t) => /signed in/i.test(t), LIVE_TIMEOUT_MS);
    await opened.close();
    await wb.waitFor('the card to open', cardState, (s) => s === 'open', LIVE_TIMEOUT_MS);
    assert.equal(oauth.stats.registrations, 1);
    assert.ok(oauth.stats.getStreams >= 1, 'the GET stream is monitored with the token');
  });

  test('a window reload keeps the session (tokens in SecretStorage)', async () => {
    const grants = oauth.stats.tokenGrants;
    await wb.reload();
    await wb.runCommand('Stream Health: Open Dashboard');
    await wb.waitFor('the card to open after reload', cardState, (s) => s === 'open', LIVE_TIMEOUT_MS);
    assert.equal(oauth.stats.tokenGrants, grants, 'no new sign-in');
  });

  test('Sign Out clears it: the card asks for a sign-in again', async () => {
    await wb.runCommand('Stream Health: Sign Out…');
    await wb.pickItem(NAME);
    await wb.waitFor('the sign-in badge again', badge, (b) => b.includes('Sign in required'), LIVE_TIMEOUT_MS);
  });
});
