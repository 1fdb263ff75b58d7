// The dashboard's frame time in Chromium at 50 endpoints / 10,000 events and at 200 / 50,000.
// Loads the built bundle (media/dashboard.js + .css, from `npm run build`) into Debian's Chromium
// via playwright-core with a stub webview API, folds in the events, then times each further update:
// the message handler (the app renders synchronously) plus a forced style/layout, i.e. the main-thread
// work of one frame except paint. Run alone: node bench/dashboard.ts ; prints {"figures":[...]}.

import * as fs from 'node:fs';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Figure } from './lib/figures.ts';
import { numberArg } from './lib/args.ts';
import { percentile, round } from './lib/stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
/** The sizes measured, each in a fresh page of the same browser. */
const SIZES = [
  { endpoints: 50, events: 10_000, id: 'extension.dashboardFrameP95' },
  { endpoints: 200, events: 50_000, id: 'extension.dashboardFrameP95.200' },
] as const;
const FRAME_TARGET_MS = 16;
const KINDS = ['mcp', 'sse', 'grpc', 'websocket'] as const;

/** Builds the synthetic load in the page: statuses for the endpoints and a stream of core events. */
function pageScript(endpoints: number, events: number, updates: number): string {
  return `(() => {
  const kinds = ${JSON.stringify(KINDS)};
  const now = Date.now();
  const statuses = (t) => Array.from({ length: ${endpoints} }, (_, i) => ({
    name: 'endpoint-' + i, kind: kinds[i % 4], url: 'http://127.0.0.1:' + (4000 + i) + '/stream',
    state: i % 7 === 0 ? 'backoff' : 'open', openedAt: t - 60000, lastInboundAt: t - 500, lastHeartbeatInAt: t - 500,
    attempt: i % 7 === 0 ? 2 : 0, findings: [], heartbeatSeconds: 15, idleTimeoutSeconds: 45,
  }));
  let seq = 0;
  const event = (t) => {
    const i = seq++ % ${endpoints};
    const base = { ts: new Date(t).toISOString(), endpoint: 'endpoint-' + i };
    if (seq % 50 === 0) return { ...base, event: 'drop', cause: 'reset', streamAgeMs: 60000, silenceMs: 60000, detail: 'stream broken' };
    if (seq % 50 === 1) return { ...base, event: 'open', detail: 'SSE, HTTP/1.1' };
    return { ...base, event: 'heartbeat', direction: seq % 2 ? 'in' : 'out', kind: 'sse-comment' };
  };
  const post = (data) => window.dispatchEvent(new MessageEvent('message', { data }));
  window.__bench = {
    load() {
      post({ type: 'snapshot', endpoints: statuses(now), history: { schemaVersion: 1, savedAt: new Date(now).toISOString(), endpoints: {} }, blocked: [], now });
      // The events spread over the last 15 minutes, folded in as the extension would send them.
      const start = now - 15 * 60000;
      const batch = 250;
      for (let b = 0; b < ${events} / batch; b++) {
        const evs = [];
        for (let k = 0; k < batch; k++) evs.push(event(start + ((b * batch + k) / ${events}) * 15 * 60000));
        post({ type: 'update', endpoints: statuses(now), blocked: [], events: evs, now });
      }
      return document.querySelectorAll('*').length;
    },
    measure() {
      const times = [];
      for (let u = 0; u < ${updates}; u++) {
        const t = now + u * 250;
        const evs = Array.from({ length: 25 }, () => event(t));
        const t0 = performance.now();
        post({ type: 'update', endpoints: statuses(t), blocked: [], events: evs, now: t });
        document.body.getBoundingClientRect();
        void document.body.offsetHeight;
        times.push(performance.now() - t0);
      }
      return times;
    },
  };
})();`;
}

export async function runDashboard(updates: number): Promise<Figure[]> {
  const script = `${ROOT}media/dashboard.js`;
  const style = `${ROOT}media/dashboard.css`;
  const figure = (size: (typeof SIZES)[number], value: number | null, note: string): Figure => ({
    id: size.id,
    item: 5,
    label: `dashboard frame time p95, ${size.endpoints} endpoints / ${size.events / 1000}k events`,
    value,
    unit: 'ms',
    target: { op: '<=', value: FRAME_TARGET_MS },
    note,
  });
  if (!fs.existsSync(script) || !fs.existsSync(CHROMIUM)) {
    const why = `not measured: needs ${fs.existsSync(CHROMIUM) ? 'media/dashboard.js (npm run build)' : CHROMIUM}`;
    return SIZES.map((size) => ({ ...figure(size, null, why), notMeasured: true }));
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const figures: Figure[] = [];
    for (const size of SIZES) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.setContent(
        `<!DOCTYPE html><html><head><style>${fs.readFileSync(style, 'utf8')}</style></head>` +
          `<body class="vscode-dark"><main id="app"></main></body></html>`,
      );
      // The webview API stub (what VS Code injects), then the real bundle.
      await page.addScriptTag({ content: 'let __state; window.acquireVsCodeApi = () => ({ postMessage() {}, getState: () => __state, setState: (s) => { __state = s; } });' });
      await page.addScriptTag({ content: fs.readFileSync(script, 'utf8') });
      await page.addScriptTag({ content: pageScript(size.endpoints, size.events, updates) });
      // Page-side code as strings: this file is type-checked without the DOM lib.
      const loadStarted = performance.now();
      const elements = await page.evaluate<number>('window.__bench.load()');
      const loadMs = performance.now() - loadStarted;
      // Let the first full render settle, then time the updates.
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      const times = await page.evaluate<number[]>('window.__bench.measure()');
      const cards = await page.evaluate<number>(`document.querySelectorAll('[data-testid="endpoint-card"], .card').length`);
      await page.close();
      if (cards === 0) {
        figures.push(figure(size, null, `the dashboard rendered no cards (page errors: ${pageErrors.join(' | ').slice(0, 200) || 'none'})`));
        continue;
      }
      figures.push(figure(
        size,
        round(percentile(times, 95), 2),
        `median ${round(percentile(times, 50), 2)} ms, max ${round(Math.max(...times), 2)} ms over ${updates} updates of 25 events; handler + forced layout (paint excluded); ${elements} elements, ${cards} cards; folding in the ${size.events} events took ${round(loadMs, 0)} ms; headless Chromium, 1280x900; load average ${os.loadavg()[0]!.toFixed(1)}`,
      ));
    }
    return figures;
  } finally {
    await browser.close();
  }
}

if (import.meta.main) {
  const figures = await runDashboard(numberArg('--updates', 100));
  process.stdout.write(`${JSON.stringify({ figures })}\n`);
  process.exit(0);
}
