// DOM rendering of the whole dashboard in happy-dom: untrusted strings stay text, cards and
// findings render with their test ids, buttons post typed messages, view state round-trips.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Window } from 'happy-dom';
import type { StreamEvent } from '../../../src/core/events.ts';
import type { DashboardViewState, FromWebviewMessage, ToWebviewMessage } from '../../../src/shared/protocol.ts';
import { drop, event, history, idleFinding, NOW, snapshot, status } from './fixtures.ts';

// The webview modules are type-checked by src/webview/tsconfig.json (lib DOM); loading them through
// a computed specifier keeps DOM types out of the Node program that checks this test.
const appUrl = new URL('../../../src/webview/app.ts', import.meta.url).href;

interface AppLike {
  receive(message: ToWebviewMessage): void;
  tick(): void;
  viewState: DashboardViewState;
}
type AppCtor = new (doc: unknown, root: unknown, host: {
  post(m: FromWebviewMessage): void;
  getState(): DashboardViewState | undefined;
  setState(s: DashboardViewState): void;
}) => AppLike;

async function mount(saved?: DashboardViewState) {
  const { DashboardApp } = (await import(appUrl)) as { DashboardApp: AppCtor };
  const window = new Window({ url: 'https://webview.test/' });
  const document = window.document;
  document.body.innerHTML = '<main id="app"></main>';
  const root = document.getElementById('app')!;
  const posted: FromWebviewMessage[] = [];
  let state = saved;
  const app = new DashboardApp(document, root, {
    post: (m) => posted.push(m),
    getState: () => state,
    setState: (s) => {
      state = s;
    },
  });
  return { window, document, root, app, posted, state: () => state };
}

const XSS_NAME = '<img src=x onerror=alert(1)>';
const SCRIPT_MESSAGE = 'upstream said <script>alert("pwned")</script> and closed';

test('an endpoint named like an img tag and a server message with a script render as text', async () => {
  const { document, root, app, window } = await mount();
  let alerted = false;
  (window as unknown as { alert: () => void }).alert = () => {
    alerted = true;
  };
  app.receive(snapshot(
    [status({
      name: XSS_NAME,
      url: 'http://127.0.0.1:1/<b>x</b>',
      state: 'failed',
      reason: SCRIPT_MESSAGE,
      lastDrop: drop(NOW - 5000, { detail: SCRIPT_MESSAGE }),
      findings: [{ ...idleFinding, message: SCRIPT_MESSAGE, match: '<script>alert(2)</script>' }],
    })],
    { [XSS_NAME]: history({ drops: [drop(NOW - 5000, { detail: SCRIPT_MESSAGE })] }) },
    [{ name: '<svg onload=alert(3)>', reason: SCRIPT_MESSAGE }],
  ));
  // No element was created from the data: only our own markup exists.
  assert.equal(root.querySelectorAll('img').length, 0);
  assert.equal(root.querySelectorAll('script').length, 0);
  assert.equal(root.querySelectorAll('b').length, 0);
  assert.equal(root.querySelectorAll('svg [onload], [onerror], [onload]').length, 0);
  const card = root.querySelector('[data-testid="card"]')!;
  assert.equal(card.querySelector('[data-testid="endpoint-name"]')!.textContent, XSS_NAME);
  assert.equal(card.getAttribute('data-endpoint'), XSS_NAME);
  assert.ok(card.querySelector('[data-testid="field-note"]')!.textContent!.includes('<script>alert("pwned")</script>'));
  const finding = root.querySelector('[data-testid="finding"]')!;
  assert.equal(finding.querySelector('[data-testid="finding-message"]')!.textContent, SCRIPT_MESSAGE);
  assert.ok(root.querySelector('[data-testid="blocked-endpoint"]')!.textContent!.includes('<svg onload=alert(3)>'));
  assert.equal(alerted, false);
  assert.equal(document.querySelectorAll('script').length, 0);
  await window.happyDOM.close();
});

test('renders a card per endpoint with state text, live age and drop counts', async () => {
  const { root, app, window } = await mount();
  app.receive(snapshot(
    [
      status({ name: 'orders-mcp', kind: 'mcp', state: 'open', lastHeartbeatInAt: NOW - 3000, openDetail: 'MCP 2025-11-25, HTTP/1.1, GET stream' }),
      status({ name: 'feed', state: 'backoff', attempt: 3, openedAt: undefined, nextAttemptAt: NOW + 4200, lastDrop: drop(NOW - 2000, { cause: 'watchdog', silenceMs: 45_000 }) }),
    ],
    { feed: history({ drops: [drop(NOW - 2000, { cause: 'watchdog' }), drop(NOW - 2 * 3_600_000)] }) },
  ));
  const cards = root.querySelectorAll('[data-testid="card"]');
  assert.equal(cards.length, 2);
  const [orders, feed] = [cards[0]!, cards[1]!];
  assert.equal(orders.querySelector('[data-testid="state-badge"]')!.textContent, '●Open');
  assert.match(orders.querySelector('[data-testid="field-age"]')!.textContent!, /^4\d s$/);
  // The stream detail is clamped to two lines by CSS, so the whole text must be on hover.
  const detail = orders.querySelector('[data-testid="field-detail"]')!;
  assert.equal(detail.textContent, 'MCP 2025-11-25, HTTP/1.1, GET stream');
  assert.equal(detail.getAttribute('title'), 'MCP 2025-11-25, HTTP/1.1, GET stream');
  assert.equal(feed.querySelector('[data-testid="state-badge"]')!.textContent, '↻Reconnecting');
  assert.match(feed.querySelector('[data-testid="field-reconnect"]')!.textContent!, /^attempt 3, next in [45](\.\d)? s$/);
  assert.equal(feed.querySelector('[data-testid="field-drops"]')!.textContent, '1 drop in 1 h · 2 in 24 h');
  assert.match(feed.querySelector('[data-testid="field-lastDrop"]')!.textContent!, /^silent death \(watchdog\) after/);
  assert.match(root.querySelector('[data-testid="summary"]')!.textContent!, /^1 of 2 streams open/);
  await window.happyDOM.close();
});

test('invalid settings entries are listed as text above the cards, and the list goes when they are fixed', async () => {
  const { root, app, window } = await mount();
  const warning = `User settings: endpoints[1].url: not a URL (entry "${XSS_NAME}")`;
  app.receive({ ...snapshot([status({ name: 'ok' })]), invalid: [warning] });
  const section = root.querySelector('[data-testid="invalid"]') as unknown as { hidden: boolean; textContent: string };
  assert.equal(section.hidden, false);
  const items = root.querySelectorAll('[data-testid="invalid-entry"]');
  assert.equal(items.length, 1);
  assert.equal(items[0]!.textContent, warning);
  assert.equal(root.querySelectorAll('img').length, 0, 'the entry text is not parsed as HTML');
  assert.equal(root.querySelectorAll('[data-testid="card"]').length, 1, 'the valid endpoint keeps its card');
  app.receive({ type: 'update', endpoints: [status({ name: 'ok' })], blocked: [], invalid: [], events: [], now: NOW + 1000 });
  assert.equal(section.hidden, true);
  assert.equal(root.querySelectorAll('[data-testid="invalid-entry"]').length, 0);
  await window.happyDOM.close();
});

test('unknown settings fields are their own notice; the entry keeps its card', async () => {
  const { root, app, window } = await mount();
  const warning = `User settings: endpoints[0].heartbeatSecond: unknown field, ignored; did you mean "heartbeatSeconds"? (entry "${XSS_NAME}")`;
  app.receive({ ...snapshot([status({ name: 'ok' })]), ignored: [warning] });
  const section = root.querySelector('[data-testid="ignored"]') as unknown as { hidden: boolean; textContent: string };
  assert.equal(section.hidden, false);
  assert.match(section.textContent, /Unknown settings fields \(ignored; the entries run\)/);
  assert.deepEqual([...root.querySelectorAll('[data-testid="ignored-field"]')].map((li) => li.textContent), [warning]);
  assert.equal((root.querySelector('[data-testid="invalid"]') as unknown as { hidden: boolean }).hidden, true, 'not listed as invalid');
  assert.equal(root.querySelectorAll('img').length, 0, 'the text is not parsed as HTML');
  assert.equal(root.querySelectorAll('[data-testid="card"]').length, 1);
  app.receive({ type: 'update', endpoints: [status({ name: 'ok' })], blocked: [], events: [], now: NOW + 1000 });
  assert.equal(section.hidden, true);
  await window.happyDOM.close();
});

test('a discovered endpoint card shows its source; the Discovered group has Monitor buttons', async () => {
  const { root, app, window, posted } = await mount();
  app.receive({
    ...snapshot([status({ name: 'github' }), status({ name: 'own' })]),
    sources: { github: 'from .vscode/mcp.json' },
    discovered: [{ name: XSS_NAME, kind: 'mcp-sse', url: 'https://legacy.example.com/sse', source: 'from ~/.cursor/mcp.json' }],
  });
  const source = (name: string) => root.querySelector(`[data-endpoint="${name}"] [data-testid="endpoint-source"]`) as unknown as { hidden: boolean; textContent: string };
  assert.equal(source('github').textContent, 'from .vscode/mcp.json');
  assert.equal(source('github').hidden, false);
  assert.equal(source('own').hidden, true, 'settings endpoints have no source line');
  const section = root.querySelector('[data-testid="discovered"]') as unknown as { hidden: boolean; textContent: string };
  assert.equal(section.hidden, false);
  assert.match(section.textContent, /Discovered MCP servers \(not monitored\).*mcp-sse.*https:\/\/legacy\.example\.com\/sse.*from ~\/\.cursor\/mcp\.json/s);
  assert.equal(root.querySelectorAll('img').length, 0, 'the name is text');
  (root.querySelector('[data-testid="action-monitor-discovered"]') as unknown as { click(): void }).click();
  assert.deepEqual(posted.at(-1), { type: 'monitorDiscovered', name: XSS_NAME });
  app.receive({ type: 'update', endpoints: [status({ name: 'github' }), status({ name: 'own' })], blocked: [], events: [], now: NOW + 1000 });
  assert.equal(section.hidden, true);
  await window.happyDOM.close();
});

test('card buttons post typed actions; Pause turns into Resume for a paused endpoint', async () => {
  const { root, app, posted, window } = await mount();
  app.receive(snapshot([status({ name: 'a', state: 'paused', reason: 'Paused by you' })]));
  const card = root.querySelector('[data-testid="card"]')!;
  const pause = card.querySelector('[data-testid="action-pause"]') as unknown as { textContent: string; click(): void };
  assert.equal(pause.textContent, 'Resume');
  pause.click();
  (card.querySelector('[data-testid="action-reconnect"]') as unknown as { click(): void }).click();
  (card.querySelector('[data-testid="action-measure"]') as unknown as { click(): void }).click();
  (root.querySelector('[data-testid="export-csv"]') as unknown as { click(): void }).click();
  assert.deepEqual(posted, [
    { type: 'resume', endpoint: 'a' },
    { type: 'reconnect', endpoint: 'a' },
    { type: 'measureIdle', endpoint: 'a' },
    { type: 'exportReport', format: 'csv' },
  ]);
  assert.equal(root.querySelectorAll('button:not([type="button"])').length, 0, 'every button is type=button');
  await window.happyDOM.close();
});

test('an endpoint that needs sign-in shows "Sign in required" and a Sign In button; others hide it', async () => {
  const { root, app, posted, window } = await mount();
  const lastError = { cause: 'auth' as const, message: 'sign in required: initialize answered 401', httpStatus: 401, at: NOW - 1000 };
  app.receive(snapshot([status({ name: 'a', state: 'failed', lastError, reason: 'sign in required' }), status({ name: 'b', state: 'failed', reason: 'HTTP 404' })]));
  const [a, b] = [...root.querySelectorAll('[data-testid="card"]')];
  const signIn = a!.querySelector('[data-testid="action-sign-in"]') as unknown as { hidden: boolean; click(): void };
  assert.equal(signIn.hidden, false);
  assert.equal(a!.querySelector('[data-testid="state-badge"]')!.textContent!.includes('Sign in required'), true);
  assert.equal((b!.querySelector('[data-testid="action-sign-in"]') as unknown as { hidden: boolean }).hidden, true);
  signIn.click();
  assert.deepEqual(posted, [{ type: 'signIn', endpoint: 'a' }]);
  await window.happyDOM.close();
});

test('findings show evidence, the fix and copyable snippets with values from the finding', async () => {
  const { root, app, posted, window } = await mount();
  app.receive(snapshot([status({ name: 'sse-behind-nginx', findings: [idleFinding] })], {
    'sse-behind-nginx': history({ drops: [1, 2, 3].map((i) => drop(NOW - i * 70_000, { silenceMs: 60_000 + i * 10 })) }),
  }));
  const finding = root.querySelector('[data-testid="finding"]')!;
  assert.equal(finding.getAttribute('data-finding'), 'intermediary-idle-timeout');
  assert.match(finding.querySelector('[data-testid="finding-evidence"]')!.textContent!, /matches nginx/);
  const snippets = [...finding.querySelectorAll('[data-testid="snippet"]')].map((s) => s.getAttribute('data-snippet'));
  assert.deepEqual(snippets.slice(0, 2), ['server-sse', 'nginx'], 'server heartbeat first, the matched proxy leads the intermediaries');
  (finding.querySelectorAll('[data-testid="copy-snippet"]')[1] as unknown as { click(): void }).click();
  const copy = posted.at(-1);
  assert.equal(copy?.type, 'copy');
  assert.match((copy as { text: string }).text, /proxy_read_timeout 300s;/);
  // Forensics for the same endpoint: both histograms, the cutoff marked and named.
  const forensics = root.querySelector('[data-testid="forensics-endpoint"]')!;
  assert.ok(forensics.querySelector('[data-testid="histogram-silence"] [data-testid="histogram-cutoff"]'));
  assert.ok(forensics.querySelector('[data-testid="histogram-age"]'));
  assert.match(forensics.querySelector('[data-testid="forensics-summary"]')!.textContent!, /about 60 s of silence: matches nginx/);
  assert.equal(finding.querySelector('[data-testid="finding-path"]'), null, 'no path without hops');
  await window.happyDOM.close();
});

test('the server fix comes in the chosen language, Copy fix includes it, and the choice is remembered', async () => {
  const first = await mount();
  const data = () => snapshot([status({ name: 'sse-behind-nginx', findings: [idleFinding] })], {
    'sse-behind-nginx': history({ drops: [1, 2, 3].map((i) => drop(NOW - i * 70_000, { silenceMs: 60_000 + i * 10 })) }),
  });
  first.app.receive(data());
  const picker = first.root.querySelector('[data-testid="fix-language"]') as unknown as { value: string; dispatchEvent(e: unknown): void };
  assert.equal(picker.value, 'typescript');
  picker.value = 'go';
  picker.dispatchEvent(new first.window.Event('change'));
  const snippet = first.root.querySelector('[data-testid="snippet"]')!;
  assert.equal(snippet.getAttribute('data-snippet'), 'server-sse-go');
  assert.match(snippet.textContent!, /http\.Flusher/);
  // The client's own watchdog follows the same choice, right after the Stream Health settings.
  const ids = [...first.root.querySelectorAll('[data-testid="snippet"]')].map((s) => s.getAttribute('data-snippet'));
  assert.deepEqual(ids.slice(-2), ['client-settings', 'client-watchdog-go']);
  assert.match(first.root.querySelector('[data-snippet="client-watchdog-go"]')!.textContent!, /time\.AfterFunc\(idle, cancel\)/);
  (first.root.querySelector('[data-testid="copy-fix"]') as unknown as { click(): void }).click();
  const copied = first.posted.at(-1) as { type: string; text: string };
  assert.match(copied.text, /Fix: .*\n\nServer \(Go net\/http\)/s);
  assert.match(copied.text, /time\.NewTicker\(20000 \* time\.Millisecond\)/);
  assert.equal(first.state()?.serverLanguage, 'go');
  await first.window.happyDOM.close();
  // A new dashboard with the saved state opens in Go.
  const second = await mount(first.state());
  second.app.receive(data());
  assert.equal(second.root.querySelector('[data-testid="snippet"]')!.getAttribute('data-snippet'), 'server-sse-go');
  await second.window.happyDOM.close();
  // A bad saved value falls back to TypeScript.
  const third = await mount({ ...first.state()!, serverLanguage: 'cobol' as never });
  third.app.receive(data());
  assert.equal(third.root.querySelector('[data-testid="snippet"]')!.getAttribute('data-snippet'), 'server-sse');
  await third.window.happyDOM.close();
});

test('a finding named by evidence shows the hop chain on the card and in forensics', async () => {
  const { root, app, window } = await mount();
  const hops = [{ name: 'Varnish', evidence: 'x-varnish' }, { name: 'nginx', evidence: 'Server: nginx/1.22.1' }];
  app.receive(snapshot([status({ name: 'chain', findings: [{ ...idleFinding, match: 'nginx', hops }] })], {
    chain: history({ drops: [1, 2, 3].map((i) => drop(NOW - i * 70_000, { silenceMs: 60_000 + i * 10 })) }),
  }));
  const finding = root.querySelector('[data-testid="finding"]')!;
  assert.match(finding.querySelector('[data-testid="finding-evidence"]')!.textContent!, /cut by nginx/);
  assert.equal(finding.querySelector('[data-testid="finding-path"]')!.textContent, 'Path (outermost first): Varnish (x-varnish) › nginx (Server: nginx/1.22.1) ← cut here');
  assert.match(root.querySelector('[data-testid="forensics-summary"]')!.textContent!, /Path, outermost first: Varnish \(x-varnish\) › nginx \(Server: nginx\/1\.22\.1\) ← cut here\./);
  await window.happyDOM.close();
});

test('update messages fold events into the history and the filter hides other endpoints', async () => {
  const { root, app, window, state } = await mount({ filter: '', windowMs: 900_000, scrollY: 0 });
  app.receive(snapshot([status({ name: 'alpha' }), status({ name: 'beta' })]));
  app.receive({
    type: 'update',
    now: NOW + 1000,
    blocked: [],
    endpoints: [status({ name: 'alpha', state: 'backoff', attempt: 1, nextAttemptAt: NOW + 3000 }), status({ name: 'beta' })],
    events: [event<'drop'>(NOW + 500, 'alpha', { event: 'drop', cause: 'reset', streamAgeMs: 60_000, silenceMs: 59_000, detail: 'proxy cut' })],
  });
  const alpha = root.querySelector('[data-endpoint="alpha"][data-testid="card"]')!;
  assert.equal(alpha.querySelector('[data-testid="field-drops"]')!.textContent, '1 drop in 1 h · 1 in 24 h');
  assert.equal(root.querySelectorAll('[data-testid="forensics-endpoint"]').length, 1);

  const input = root.querySelector('[data-testid="filter"]') as unknown as { value: string; dispatchEvent(e: unknown): boolean };
  input.value = 'bet';
  input.dispatchEvent(new window.Event('input'));
  const hidden = [...root.querySelectorAll('[data-testid="card"]')].map((c) => [c.getAttribute('data-endpoint'), (c as unknown as { hidden: boolean }).hidden]);
  assert.deepEqual(hidden, [['alpha', true], ['beta', false]]);
  assert.equal(root.querySelectorAll('[data-testid="forensics-endpoint"]').length, 0);
  assert.equal(state()?.filter, 'bet');
  assert.equal(root.querySelector('[data-testid="window-900000"]')!.getAttribute('aria-pressed'), 'true');
  await window.happyDOM.close();
});

test('the timeline is keyboard reachable: arrow keys show the details of a drop', async () => {
  const { root, app, window } = await mount();
  const now = Date.now();
  app.receive({ ...snapshot([status({ name: 'proxied' })], {
    proxied: history({ drops: [drop(now - 120_000, { cause: 'watchdog', silenceMs: 45_000, detail: 'no data for 45 s' }), drop(now - 60_000, { detail: 'terminated' })] }),
  }), now });
  const canvas = root.querySelector('[data-testid="timeline-canvas"]')!;
  assert.equal(canvas.getAttribute('tabindex'), '0');
  const tooltip = root.querySelector('[data-testid="timeline-tooltip"]') as unknown as { hidden: boolean; textContent: string };
  canvas.dispatchEvent(new window.KeyboardEvent('keydown', { key: 'ArrowDown' }));
  assert.equal(tooltip.hidden, false);
  assert.match(tooltip.textContent, /connection reset/);
  canvas.dispatchEvent(new window.KeyboardEvent('keydown', { key: 'ArrowLeft' }));
  assert.match(tooltip.textContent, /silent death \(watchdog\)/);
  assert.match(tooltip.textContent, /no data for 45 s/);
  canvas.dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Escape' }));
  assert.equal(tooltip.hidden, true);
  await window.happyDOM.close();
});

test('updates keep unchanged findings and histograms in place and rebuild changed ones', async () => {
  const { root, app, window } = await mount();
  const drops = [1, 2, 3].map((i) => drop(NOW - i * 70_000, { silenceMs: 60_000 }));
  app.receive(snapshot([status({ name: 'n', findings: [idleFinding] })], { n: history({ drops }) }));
  const finding = root.querySelector('[data-testid="finding"]')!;
  const details = finding.querySelectorAll('details')[1] as unknown as { open: boolean };
  details.open = true; // the user expanded the nginx snippet
  const forensics = root.querySelector('[data-testid="forensics-endpoint"]')!;
  const update = (events: StreamEvent[]) =>
    app.receive({ type: 'update', now: NOW + 1000, blocked: [], endpoints: [status({ name: 'n', findings: [idleFinding] })], events });
  update([event<'heartbeat'>(NOW + 500, 'n', { event: 'heartbeat', direction: 'out', kind: 'sse-comment' })]);
  assert.equal(root.querySelector('[data-testid="finding"]'), finding, 'same finding element');
  assert.equal(details.open, true, 'the expanded snippet stays expanded');
  assert.equal(root.querySelector('[data-testid="forensics-endpoint"]'), forensics, 'same histograms');
  update([event<'drop'>(NOW + 900, 'n', { event: 'drop', cause: 'reset', streamAgeMs: 60_000, silenceMs: 60_000, detail: '' })]);
  const rebuilt = root.querySelector('[data-testid="forensics-endpoint"]')!;
  assert.notEqual(rebuilt, forensics, 'a new drop rebuilds the histograms');
  assert.match(rebuilt.querySelector('[data-testid="forensics-summary"]')!.textContent!, /^4 drops analysed/);
  assert.equal(root.querySelectorAll('[data-testid="forensics-endpoint"]').length, 1);
  await window.happyDOM.close();
});

test('watchdog drops are left out of the silence chart and said so', async () => {
  const { root, app, window } = await mount();
  app.receive(snapshot([status({ name: 'w' })], {
    w: history({ drops: [drop(NOW - 1000, { cause: 'watchdog', silenceMs: 45_000 }), drop(NOW - 2000, { cause: 'watchdog', silenceMs: 45_000 }), drop(NOW - 3000, { silenceMs: 60_000 })] }),
  }));
  const f = root.querySelector('[data-testid="forensics-endpoint"]')!;
  assert.match(f.querySelector('[data-testid="forensics-summary"]')!.textContent!, /^3 drops analysed\..*2 silent deaths \(watchdog\) left out of the silence chart/);
  assert.equal(f.querySelectorAll('[data-testid="histogram-silence"] [data-testid="histogram-bar"]').length, 1);
  const ageBars = [...f.querySelectorAll('[data-testid="histogram-age"] [data-testid="histogram-bar"] title')].map((t) => t.textContent);
  assert.equal(ageBars.length, 1);
  assert.match(ageBars[0]!, /^3 drops between/);
  await window.happyDOM.close();
});

test('an endpoint with only watchdog drops gets an empty silence chart that says why', async () => {
  const { root, app, window } = await mount();
  app.receive(snapshot([status({ name: 'frozen' })], { frozen: history({ drops: [drop(NOW - 1000, { cause: 'watchdog', silenceMs: 3000 })] }) }));
  const silence = root.querySelector('[data-testid="histogram-silence"]')!;
  assert.equal(silence.querySelectorAll('[data-testid="histogram-bar"]').length, 0);
  assert.ok(silence.textContent!.includes('only silent deaths (watchdog)'));
  assert.equal(silence.querySelector('svg')!.getAttribute('aria-label'), 'Silence at drop: only silent deaths (watchdog).');
  await window.happyDOM.close();
});

test('the window selector redraws the timeline over the chosen window and is remembered', async () => {
  const { root, app, window, state } = await mount();
  const now = Date.now();
  app.receive({ ...snapshot([status({ name: 'a' })], {
    a: history({
      sessions: [{ openedAt: now - 5 * 3_600_000, endedAt: now - 4 * 3_600_000, detail: '' }, { openedAt: now - 600_000, detail: '' }],
      drops: [drop(now - 4 * 3_600_000)],
    }),
  }), now });
  const summary = () => root.querySelector('[data-testid="timeline-summary"]')!.textContent;
  const frame = () => new Promise((r) => window.requestAnimationFrame(() => r(undefined)));
  await frame();
  assert.equal(summary(), 'Timeline over the last 15 min: 1 endpoint, 1 session, 0 drops.', 'the default window is 15 min');
  (root.querySelector('[data-testid="window-86400000"]') as unknown as { click(): void }).click();
  await frame();
  assert.equal(summary(), 'Timeline over the last 24 h: 1 endpoint, 2 sessions, 1 drop.');
  assert.equal(state()?.windowMs, 86_400_000);
  assert.equal(root.querySelector('[data-testid="window-86400000"]')!.getAttribute('aria-pressed'), 'true');
  assert.equal(root.querySelector('[data-testid="window-900000"]')!.getAttribute('aria-pressed'), 'false');
  await window.happyDOM.close();
});

test('a finding rebuilt with new evidence keeps the snippets the user opened', async () => {
  const { root, app, window } = await mount();
  const send = (evidence: number) => app.receive(snapshot([status({ name: 'g', findings: [{ ...idleFinding, evidence }] })]));
  send(5);
  const before = root.querySelector('[data-testid="finding"]')!;
  before.querySelector('details[data-snippet="haproxy"]')!.setAttribute('open', '');
  send(6);
  const after = root.querySelector('[data-testid="finding"]')!;
  assert.notEqual(after, before, 'rebuilt for the new evidence');
  assert.match(after.querySelector('[data-testid="finding-evidence"]')!.textContent!, /6 observations/);
  const open = [...after.querySelectorAll('details[open]')].map((d) => d.getAttribute('data-snippet'));
  assert.deepEqual(open, ['haproxy']);
  await window.happyDOM.close();
});

test('a reloaded webview restores the filter and window from its saved state; bad state falls back', async () => {
  const restored = await mount({ filter: 'beta', windowMs: 86_400_000, scrollY: 420 });
  restored.app.receive(snapshot([status({ name: 'alpha' }), status({ name: 'beta' })]));
  assert.equal((restored.root.querySelector('[data-testid="filter"]') as unknown as { value: string }).value, 'beta');
  assert.equal(restored.root.querySelector('[data-testid="window-86400000"]')!.getAttribute('aria-pressed'), 'true');
  const visible = [...restored.root.querySelectorAll('[data-testid="card"]')].filter((c) => !(c as unknown as { hidden: boolean }).hidden);
  assert.deepEqual(visible.map((c) => c.getAttribute('data-endpoint')), ['beta']);
  assert.equal(restored.app.viewState.scrollY, 420);
  await restored.window.happyDOM.close();

  const bad = await mount({ filter: 42, windowMs: 7, scrollY: 'x' } as unknown as DashboardViewState);
  assert.deepEqual(bad.app.viewState, { filter: '', windowMs: 900_000, scrollY: 0 });
  await bad.window.happyDOM.close();
});
