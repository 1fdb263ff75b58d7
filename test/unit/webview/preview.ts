// Renders the built dashboard (media/) in Debian's Chromium outside VS Code, with sample data and
// VS Code-like theme variables, under the real CSP: screenshots, CSP violations, console errors and
// frame timings for a 50-endpoint / 10,000-event load. Not a unit test; run it by hand:
//   npm run build && npm exec -- node test/unit/webview/preview.ts
// Writes test-results/dashboard-preview-{dark,light,high-contrast,stress}.png.

import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { EndpointHistory, EndpointStatus } from '../../../src/core/model.ts';
import { buildDashboardHtml } from '../../../src/extension/dashboard/html.ts';
import type { ToWebviewSnapshot } from '../../../src/shared/protocol.ts';
import { drop, history, idleFinding, status } from './fixtures.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const ORIGIN = 'https://webview.test';
const OUT = join(ROOT, 'test-results');

const THEMES = {
  dark: `:root{--vscode-foreground:#cccccc;--vscode-editor-background:#1f1f1f;--vscode-descriptionForeground:#9d9d9d;
--vscode-charts-red:#f14c4c;--vscode-charts-blue:#3794ff;--vscode-charts-green:#89d185;--vscode-charts-orange:#d18616;
--vscode-charts-purple:#b180d7;--vscode-charts-yellow:#cca700;--vscode-focusBorder:#0078d4;--vscode-button-background:#0078d4;
--vscode-button-foreground:#ffffff;--vscode-button-secondaryBackground:#313131;--vscode-button-secondaryForeground:#cccccc;
--vscode-input-background:#313131;--vscode-input-foreground:#cccccc;--vscode-widget-border:#454545;--vscode-errorForeground:#f85149;
--vscode-editorWarning-foreground:#cca700;--vscode-testing-iconPassed:#73c991;--vscode-textCodeBlock-background:#2b2b2b;
--vscode-editorWidget-background:#202020;--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;
--vscode-editor-font-family:monospace;--vscode-list-hoverBackground:#2a2d2e}`,
  light: `:root{--vscode-foreground:#3b3b3b;--vscode-editor-background:#ffffff;--vscode-descriptionForeground:#717171;
--vscode-charts-red:#e51400;--vscode-charts-blue:#1a85ff;--vscode-charts-green:#388a34;--vscode-charts-orange:#d18616;
--vscode-charts-purple:#652d90;--vscode-charts-yellow:#bf8803;--vscode-focusBorder:#005fb8;--vscode-button-background:#005fb8;
--vscode-button-foreground:#ffffff;--vscode-button-secondaryBackground:#e5e5e5;--vscode-button-secondaryForeground:#3b3b3b;
--vscode-input-background:#ffffff;--vscode-input-foreground:#3b3b3b;--vscode-widget-border:#e5e5e5;--vscode-errorForeground:#e51400;
--vscode-editorWarning-foreground:#bf8803;--vscode-testing-iconPassed:#388a34;--vscode-textCodeBlock-background:#f3f3f3;
--vscode-editorWidget-background:#f8f8f8;--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;
--vscode-editor-font-family:monospace;--vscode-list-hoverBackground:#f2f2f2}`,
  'high-contrast': `:root{--vscode-foreground:#ffffff;--vscode-editor-background:#000000;--vscode-descriptionForeground:#ffffff;
--vscode-charts-red:#f14c4c;--vscode-charts-blue:#3794ff;--vscode-charts-green:#89d185;--vscode-charts-orange:#d18616;
--vscode-charts-purple:#b180d7;--vscode-charts-yellow:#ffd700;--vscode-focusBorder:#f38518;--vscode-contrastBorder:#6fc3df;
--vscode-button-background:#000000;--vscode-button-foreground:#ffffff;--vscode-button-border:#6fc3df;
--vscode-input-background:#000000;--vscode-input-foreground:#ffffff;--vscode-input-border:#6fc3df;--vscode-errorForeground:#f48771;
--vscode-editorWarning-foreground:#ffd700;--vscode-testing-iconPassed:#89d185;--vscode-textCodeBlock-background:#000000;
--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;--vscode-editor-font-family:monospace}`,
};

/** A lab-like picture: streams behind a 60 s proxy, a silent one, a healthy one, a hostile name. */
function sampleSnapshot(now: number): ToWebviewSnapshot {
  const drops60 = Array.from({ length: 7 }, (_, i) => drop(now - (i + 1) * 65_000, { silenceMs: 60_000 + (i % 3) * 40, streamAgeMs: 60_050 + i * 10, detail: 'terminated (UND_ERR_SOCKET)' }));
  const sessions60 = drops60.map((d) => ({ openedAt: d.at - d.streamAgeMs, endedAt: d.at, cause: d.cause, detail: 'HTTP/1.1 text/event-stream' }));
  const hb = (from: number, every: number) => Array.from({ length: Math.floor((now - from) / every) }, (_, i) => from + i * every);
  const endpoints: EndpointStatus[] = [
    status({ name: 'sse-silent-via-nginx', kind: 'sse', url: 'http://127.0.0.1:8081/events', state: 'open', openedAt: now - 20_000, lastInboundAt: now - 20_000, lastDrop: drops60[0], findings: [idleFinding] }),
    status({ name: 'mcp-heartbeat-via-nginx', kind: 'mcp', url: 'http://127.0.0.1:8081/mcp', state: 'open', openedAt: now - 1_500_000, lastInboundAt: now - 3000, lastHeartbeatInAt: now - 3000, lastHeartbeatOutAt: now - 9000, openDetail: 'MCP 2025-11-25, GET stream' }),
    status({ name: 'grpc-health', kind: 'grpc', url: 'grpc://127.0.0.1:50051', state: 'backoff', attempt: 2, openedAt: undefined, nextAttemptAt: now + 3400, lastDrop: drop(now - 1500, { cause: 'grpc-status', grpcCode: 13, silenceMs: 60_010 }) }),
    status({ name: 'ws-frozen', kind: 'websocket', url: 'ws://127.0.0.1:9001/socket', state: 'stale', openedAt: now - 400_000, lastInboundAt: now - 31_000, findings: [{ finding: 'silent-dead-connection', message: 'The peer stopped answering without closing the connection (no FIN, no RST).', fix: 'Keep the client watchdog at 3 heartbeats and add server pings that terminate silent peers.', evidence: 2 }] }),
    status({ name: '<img src=x onerror=alert(1)>', kind: 'sse', url: 'http://127.0.0.1:1/x', state: 'failed', attempt: 5, openedAt: undefined, reason: 'HTTP 502 from upstream: <script>alert("x")</script>' }),
    status({ name: 'paused-feed', state: 'paused', openedAt: undefined, reason: 'Paused from the dashboard' }),
  ];
  const histories: Record<string, EndpointHistory> = {
    'sse-silent-via-nginx': history({ drops: drops60, sessions: [...sessions60, { openedAt: now - 20_000, detail: 'HTTP/1.1' }], heartbeatTimes: { in: [], out: hb(now - 480_000, 15_000) } }),
    'mcp-heartbeat-via-nginx': history({ sessions: [{ openedAt: now - 1_500_000, detail: 'MCP' }], heartbeatTimes: { in: hb(now - 1_500_000, 15_000), out: hb(now - 1_500_000, 15_000) } }),
    'grpc-health': history({
      drops: [drop(now - 1500, { cause: 'grpc-status', grpcCode: 13 }), drop(now - 700_000, { cause: 'grpc-status', grpcCode: 13 })],
      sessions: [{ openedAt: now - 900_000, endedAt: now - 700_000, detail: 'h2c' }, { openedAt: now - 300_000, endedAt: now - 1500, detail: 'h2c' }],
    }),
    'ws-frozen': history({ sessions: [{ openedAt: now - 400_000, detail: 'ws' }], drops: [drop(now - 2_000_000, { cause: 'watchdog', silenceMs: 45_100 }), drop(now - 1_000_000, { cause: 'watchdog', silenceMs: 45_050 })], heartbeatTimes: { in: hb(now - 400_000, 10_000).filter((t) => t < now - 31_000), out: hb(now - 400_000, 10_000) } }),
  };
  return { type: 'snapshot', endpoints, history: { schemaVersion: 1, savedAt: new Date(now).toISOString(), endpoints: histories }, blocked: [{ name: 'workspace-orders', reason: 'Configured in an untrusted workspace: trust the workspace to connect.' }], now };
}

/** 50 endpoints, 10,000 drops and heartbeats over 24 h, for frame timing. */
function stressSnapshot(now: number): ToWebviewSnapshot {
  const endpoints: EndpointStatus[] = [];
  const histories: Record<string, EndpointHistory> = {};
  for (let e = 0; e < 50; e++) {
    const name = `endpoint-${String(e).padStart(2, '0')}`;
    const drops = Array.from({ length: 100 }, (_, i) => drop(now - 86_400_000 + i * 864_000 + e * 1000, { cause: (['reset', 'eof', 'watchdog', 'http-status'] as const)[i % 4] }));
    const sessions = drops.map((d) => ({ openedAt: d.at - 600_000, endedAt: d.at, detail: '' }));
    histories[name] = history({ drops, sessions, heartbeatTimes: { in: Array.from({ length: 100 }, (_, i) => now - 86_400_000 + i * 864_000 + 300_000), out: [] } });
    endpoints.push(status({ name, lastDrop: drops.at(-1) }));
  }
  return { type: 'snapshot', endpoints, history: { schemaVersion: 1, savedAt: '', endpoints: histories }, blocked: [], now };
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  const problems: string[] = [];
  try {
    const runs = [['dark', 'dark', sampleSnapshot], ['light', 'light', sampleSnapshot], ['high-contrast', 'high-contrast', sampleSnapshot], ['stress', 'dark', stressSnapshot]] as const;
    for (const [label, theme, make] of runs.filter(([l]) => !process.argv.includes('--stress') || l === 'stress')) {
      const page = await browser.newPage({ viewport: { width: 1280, height: label === 'stress' ? 1000 : 1500 } });
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${label} console ${m.type()}: ${m.text()}`); });
      page.on('pageerror', (e) => problems.push(`${label} page error: ${e.message}`));
      page.on('dialog', (d) => { problems.push(`${label} dialog: ${d.message()}`); void d.dismiss(); });
      const nonce = 'cHJldmlld25vbmNl';
      const html = buildDashboardHtml({ cspSource: ORIGIN, nonce, scriptUri: `${ORIGIN}/media/dashboard.js`, styleUri: `${ORIGIN}/media/dashboard.css`, initialState: { snapshot: make(Date.now()) } })
        .replace('<link rel="stylesheet"', `<link rel="stylesheet" href="${ORIGIN}/theme.css"><link rel="stylesheet"`)
        .replace('<script nonce', `<script nonce="${nonce}" src="${ORIGIN}/stub.js"></script><script nonce`)
        .replace('<body>', `<body class="vscode-${theme}">`);
      await page.route(`${ORIGIN}/**`, async (route) => {
        const path = new URL(route.request().url()).pathname;
        if (path === '/') return route.fulfill({ contentType: 'text/html', body: html });
        if (path === '/theme.css') return route.fulfill({ contentType: 'text/css', body: THEMES[theme] });
        if (path === '/stub.js') {
          return route.fulfill({ contentType: 'text/javascript', body: `window.__posted=[];let s;window.acquireVsCodeApi=()=>({postMessage:(m)=>window.__posted.push(m),getState:()=>s,setState:(v)=>{s=v}});document.addEventListener('securitypolicyviolation',(e)=>console.error('CSP violation: '+e.violatedDirective+' '+e.blockedURI));` });
        }
        return route.fulfill({ body: readFileSync(join(ROOT, path.slice(1))), contentType: path.endsWith('.css') ? 'text/css' : 'text/javascript' });
      });
      await page.goto(`${ORIGIN}/`);
      await page.locator('[data-testid="card"]').first().waitFor();
      await page.waitForTimeout(300);
      const posted = await page.evaluate(() => (globalThis as unknown as { __posted: unknown[] }).__posted);
      if (JSON.stringify(posted) !== JSON.stringify([{ type: 'ready' }])) problems.push(`${label}: expected a ready message, got ${JSON.stringify(posted)}`);
      if (label === 'stress') {
        await page.locator('[data-testid="window-86400000"]').click();
        const ms = await page.evaluate(async () => {
          // Runs in the page; typed here without the DOM lib.
          const w = globalThis as unknown as { requestAnimationFrame(cb: () => void): number; dispatchEvent(e: Event): boolean };
          const sync: number[] = [];
          const frames: number[] = [];
          for (let i = 0; i < 20; i++) {
            await new Promise<void>((r) => w.requestAnimationFrame(() => r()));
            const t0 = performance.now();
            w.dispatchEvent(new Event('resize')); // the 1 s tick: cards + timeline data
            const t1 = performance.now();
            // The timeline draws in the next animation frame; time until that frame has run.
            await new Promise<void>((r) => w.requestAnimationFrame(() => r()));
            const t2 = performance.now();
            sync.push(t1 - t0);
            frames.push(t2 - t1);
          }
          const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
          return { tick: med(sync), frame: med(frames), maxFrame: Math.max(...frames) };
        });
        console.log(`stress (50 endpoints, 5,000 drops + 5,000 sessions + 5,000 heartbeats, 24 h window): tick ${ms.tick.toFixed(1)} ms, to next frame ${ms.frame.toFixed(1)} ms median, ${ms.maxFrame.toFixed(1)} ms max`);
      } else {
        // Hover a drop marker to show the tooltip in the screenshot.
        const canvas = page.locator('[data-testid="timeline-canvas"]');
        await canvas.scrollIntoViewIfNeeded();
        const box = (await canvas.boundingBox())!;
        await page.mouse.move(box.x + 5, box.y + 5);
        await page.mouse.move(box.x + box.width - 10 - (box.width - 180) * (65_000 / 900_000), box.y + 4 + 13, { steps: 5 });
        const tip = page.locator('[data-testid="timeline-tooltip"]');
        if (!(await tip.isVisible())) problems.push(`${label}: hovering a drop marker showed no tooltip`);
        else console.log(`tooltip: ${(await tip.innerText()).replace(/\n/g, ' | ')}`);
        // Back to the top so the sticky toolbar is drawn where it belongs in the full-page shot.
        await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
      }
      await page.screenshot({ path: join(OUT, `dashboard-preview-${label}.png`), fullPage: label !== 'stress' });
      console.log(`wrote test-results/dashboard-preview-${label}.png`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exitCode = 1;
  } else {
    console.log('no CSP violations, console errors or dialogs');
  }
}

await main();
