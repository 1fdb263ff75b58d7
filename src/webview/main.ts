// The webview's entry point (bundled into media/dashboard.js): wires the VS Code webview API to the
// dashboard, reads the initial state from the escaped data-initial attribute, and says `ready`.

import type { DashboardInitialState, DashboardViewState, FromWebviewMessage, ToWebviewMessage } from '../shared/protocol.ts';
import { DashboardApp } from './app.ts';

interface VsCodeApi {
  postMessage(message: FromWebviewMessage): void;
  getState(): DashboardViewState | undefined;
  setState(state: DashboardViewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const TICK_MS = 1000;

function readInitial(root: HTMLElement): DashboardInitialState | undefined {
  const raw = root.getAttribute('data-initial');
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as DashboardInitialState;
  } catch {
    return undefined;
  }
}

function start(): void {
  const vscode = acquireVsCodeApi();
  const root = document.getElementById('app');
  if (!root) return;
  const initial = readInitial(root);
  const app = new DashboardApp(document, root, {
    post: (message) => vscode.postMessage(message),
    getState: () => vscode.getState(),
    setState: (state) => vscode.setState(state),
  });

  window.addEventListener('message', (event: MessageEvent<ToWebviewMessage>) => app.receive(event.data));
  if (initial?.snapshot) app.receive(initial.snapshot, true);

  // Restore the scroll position once the first render has laid the page out.
  const scrollY = app.viewState.scrollY;
  if (scrollY > 0) requestAnimationFrame(() => window.scrollTo(0, scrollY));
  let scrollTimer: number | undefined;
  window.addEventListener('scroll', () => {
    if (scrollTimer !== undefined) return;
    scrollTimer = window.setTimeout(() => {
      scrollTimer = undefined;
      app.saveState({ scrollY: window.scrollY });
    }, 200);
  }, { passive: true });

  window.setInterval(() => app.tick(), TICK_MS);
  window.addEventListener('resize', () => app.tick());
  // VS Code swaps body classes (vscode-light / vscode-dark / vscode-high-contrast) on a theme change.
  new MutationObserver(() => app.themeChanged()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

  vscode.postMessage({ type: 'ready' });
}

start();
