// Playwright (playwright-core + Debian's Chromium) helpers that drive a code-server workbench the way
// a user does: command palette, quick picks, status bar, the dashboard webview, themes, screenshots.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Locator, Page } from 'playwright-core';
import { CHROMIUM_PATH } from './paths.ts';
import { onCleanup } from './processes.ts';

/** Flags that keep Chromium quiet on a machine with no internet (ENVIRONMENT.md). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const UI_TIMEOUT_MS = 30_000;

/** The command palette's input label (VS Code 1.139), to tell it apart from a command's own pick. */
const COMMAND_PALETTE_LABEL = /Type the name of a command to run/;

export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  onCleanup(() => browser.close());
  return browser;
}

export type ThemeKind = 'light' | 'dark';
/** VS Code 1.139's default themes (the "Modern" ones are no longer the defaults). */
export const THEMES: Record<ThemeKind, string> = { light: 'Light 2026', dark: 'Dark 2026' };

/** One browser tab on a code-server workbench, plus every JS dialog any of its frames tried to open. */
export class Workbench {
  readonly page: Page;
  /**
   * Every alert/confirm/prompt any frame tried to open: real dialogs (dismissed at once) and the ones
   * Chromium refused because the frame is sandboxed without allow-modals (VS Code's webviews are).
   */
  readonly dialogs: string[] = [];
  /** Console lines reporting a Content-Security-Policy refusal (an injected handler or script). */
  readonly cspViolations: string[] = [];

  constructor(page: Page) {
    this.page = page;
    page.on('dialog', (dialog) => {
      this.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss().catch(() => {});
    });
    page.on('console', (message) => {
      const text = message.text();
      if (/Ignored call to '(alert|confirm|prompt)\(\)'/.test(text)) this.dialogs.push(`blocked: ${text}`);
      if (/Content Security Policy/i.test(text)) this.cspViolations.push(text);
    });
  }

  /** Waits for the workbench and the extension host to be up (the status bar is drawn late). */
  /**
   * Set for releases (VS Code 1.99) that greet an untrusted folder with a modal "Do you trust the
   * authors" dialog instead of opening it in Restricted Mode: ready() answers "No" as a cautious
   * user would, so every release starts in the same state and trustWorkspace() works the same.
   */
  startupTrustDialog = false;

  async ready(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    await this.page.locator('.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
    if (this.startupTrustDialog) {
      const no = this.page.locator('.monaco-dialog-box .monaco-button', { hasText: "No, I don't trust the authors" });
      // A trusted folder (or a reload of one) shows no dialog: give it a few seconds, then go on.
      const shown = await no.waitFor({ state: 'visible', timeout: 8000 }).then(() => true, () => false);
      if (shown) {
        await no.click();
        await no.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      }
    }
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await this.ready();
  }

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  private get quickInputBox(): Locator {
    return this.quickInput.locator('.quick-input-box input');
  }

  /** Runs a command from the palette by its full title ("Stream Health: Open Dashboard"). */
  async runCommand(title: string): Promise<void> {
    await this.closeQuickInput();
    await this.page.keyboard.press('F1');
    try {
      await this.quickInputBox.waitFor({ state: 'visible', timeout: 5000 });
    } catch {
      // F1 pressed while a webview (the dashboard) holds the focus can be swallowed by its iframe
      // (seen on VS Code 1.99): give the workbench the focus, as a user clicking it would, and retry.
      const activeTab = this.page.locator('.part.editor .tabs-container .tab.active').first();
      if (await activeTab.isVisible().catch(() => false)) await activeTab.click();
      await this.page.keyboard.press('F1');
      await this.quickInputBox.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    }
    await this.acceptExact(title, `>${title}`);
  }

  /**
   * In the open quick pick (optionally waiting for its title to contain `title`), types `label` as the
   * filter and accepts the item whose label is exactly `label`.
   */
  async pickItem(label: string, title?: string): Promise<void> {
    const widget = title ? this.quickInput.filter({ hasText: title }) : this.quickInput;
    await widget.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    // Right after runCommand the palette can still be on screen (inert, closing) before the command's
    // own pick replaces it; typing into it then fails. Wait until the input is no longer the palette's.
    await this.waitFor('the command palette to give way to the pick', async () => (await this.quickInputBox.getAttribute('aria-label')) ?? '', (l) => !COMMAND_PALETTE_LABEL.test(l));
    await this.acceptExact(label, label);
  }

  /**
   * Types `filter` and clicks the row labelled exactly `label` (fuzzy ranking may put another row
   * first). Items can arrive late (a window still loading its extensions), so the filter is re-typed
   * until the row shows up.
   */
  private async acceptExact(label: string, filter: string): Promise<void> {
    const exact = this.quickInput
      .locator('.monaco-list-row', { has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) })
      .first();
    const deadline = performance.now() + UI_TIMEOUT_MS;
    for (;;) {
      try {
        // fill() itself can fail while the widget is between two picks (inert): retry that too.
        await this.quickInputBox.fill(filter, { timeout: 5000 });
        await exact.waitFor({ state: 'visible', timeout: 5000 });
        break;
      } catch (err) {
        if (performance.now() > deadline) throw err;
        await this.quickInputBox.fill('', { timeout: 5000 }).catch(() => {});
      }
    }
    await exact.click();
  }

  /** Grants workspace trust the way a user does: Restricted Mode in the status bar, then Trust. */
  async trustWorkspace(): Promise<void> {
    const restricted = this.statusBarEntry('status.workspaceTrust');
    await restricted.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await restricted.click();
    const editor = this.page.locator('.workspace-trust-editor');
    await editor.locator('.monaco-button', { hasText: /^Trust$/ }).first().click();
    await restricted.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await this.runCommand('View: Close All Editors');
  }

  /** Waits for an input box whose prompt/title contains `prompt`, types `text` and presses Enter. */
  async answerInput(prompt: string | RegExp, text: string): Promise<void> {
    await this.quickInput.filter({ hasText: prompt }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await this.quickInputBox.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /** The validation message shown under the input box, if any. */
  async inputMessage(): Promise<string> {
    return (await this.quickInput.locator('.quick-input-message').textContent()) ?? '';
  }

  async closeQuickInput(): Promise<void> {
    if (await this.quickInput.isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.quickInput.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    }
  }

  /** The status bar entry whose text matches `pattern`. */
  statusBarItem(pattern: RegExp): Locator {
    return this.page.locator('.statusbar-item').filter({ hasText: pattern });
  }

  /** The status bar entry with this id (`<publisher>.<extension>.<item id>` for an extension's item). */
  statusBarEntry(id: string): Locator {
    return this.page.locator(`[id="${id}"]`);
  }

  /** Polls `read` until `predicate` holds; returns the last value. Never a fixed sleep. */
  async waitFor<T>(what: string, read: () => Promise<T>, predicate: (v: T) => boolean, timeoutMs = UI_TIMEOUT_MS): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    let last: T | undefined;
    let lastError: unknown;
    while (performance.now() < deadline) {
      try {
        last = await read();
        if (predicate(last)) return last;
      } catch (err) {
        lastError = err;
      }
      await this.page.waitForTimeout(250);
    }
    const seen = lastError ? `error ${(lastError as Error).message}` : JSON.stringify(last);
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
  }

  /**
   * The inner frame of the webview whose document holds `selector`. VS Code nests each webview as
   * iframe.webview > iframe#active-frame; the inner one runs the extension's HTML.
   */
  webview(selector: string): Locator {
    return this.page
      .locator('iframe.webview')
      .contentFrame()
      .locator('iframe#active-frame')
      .contentFrame()
      .locator(selector);
  }

  async themeKind(): Promise<ThemeKind | 'other'> {
    const cls = (await this.page.locator('.monaco-workbench').getAttribute('class')) ?? '';
    if (/\bvs-dark\b/.test(cls)) return 'dark';
    if (/\bvs\b/.test(cls)) return 'light';
    return 'other';
  }

  /** Picks the theme with Preferences: Color Theme, as a user does, and waits for it to apply. */
  /** Theme names differ by release (VS Code 1.99: "Dark Modern"); the default is the current one's. */
  themes: Record<ThemeKind, string> = THEMES;

  async setTheme(kind: ThemeKind): Promise<void> {
    await this.runCommand('Preferences: Color Theme');
    await this.pickItem(this.themes[kind]);
    await this.waitForTheme(kind);
  }

  async waitForTheme(kind: ThemeKind): Promise<void> {
    await this.waitFor(`the ${kind} theme`, () => this.themeKind(), (k) => k === kind);
  }

  async screenshot(path: string): Promise<void> {
    mkdirSync(dirname(path), { recursive: true });
    await this.page.screenshot({ path });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface WorkbenchOptions {
  readonly themes?: Record<ThemeKind, string>;
  readonly startupTrustDialog?: boolean;
}

export async function openWorkbench(browser: Browser, url: string, options: WorkbenchOptions = {}): Promise<Workbench> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  const wb = new Workbench(page);
  if (options.themes) wb.themes = options.themes;
  wb.startupTrustDialog = options.startupTrustDialog ?? false;
  await page.goto(url);
  await wb.ready();
  return wb;
}
