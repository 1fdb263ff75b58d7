// The dashboard as a whole: toolbar (filter, window, export), blocked endpoints, cards, timeline,
// forensics and findings. Takes its document and host as parameters so tests can run it in happy-dom.

import type { EndpointStatus } from '../core/model.ts';
import type { BlockedEndpoint, DashboardViewState, DiscoveredEndpoint, FromWebviewMessage, ToWebviewMessage } from '../shared/protocol.ts';
import { EndpointCard, type CardAction } from './cards.ts';
import { clear, h, KeyedList, setText } from './dom.ts';
import { carryOverOpenSnippets, renderFinding } from './findings.ts';
import { renderForensics } from './forensics.ts';
import { LaneStore } from './laneStore.ts';
import { Timeline } from './timeline.ts';
import { DEFAULT_WINDOW_MS, TIMELINE_WINDOWS_MS, windowLabel } from './timelineGeometry.ts';
import { matchesFilter, summaryLine } from './view.ts';
import { isServerLanguage, type ServerLanguage } from '../shared/fixes/serverLanguages.ts';

/** How often the webview's history copy is trimmed to the widest window. */
const TRIM_INTERVAL_MS = 10_000;

export interface DashboardHost {
  post(message: FromWebviewMessage): void;
  getState(): DashboardViewState | undefined;
  setState(state: DashboardViewState): void;
}

export class DashboardApp {
  private readonly doc: Document;
  private readonly host: DashboardHost;
  private readonly store = new LaneStore();
  private statuses: readonly EndpointStatus[] = [];
  private blocked: readonly BlockedEndpoint[] = [];
  private invalid: readonly string[] = [];
  private ignored: readonly string[] = [];
  private sources: Readonly<Record<string, string>> = {};
  private discovered: readonly DiscoveredEndpoint[] = [];
  /** What each notice section shows now, so unchanged notices are not rebuilt. */
  private readonly noticeKeys = new Map<HTMLElement, string>();
  /** Extension clock minus ours, so ages agree with the extension even across machines. */
  private skewMs = 0;
  private state: DashboardViewState;
  private hasData = false;
  private lastTrimAt = -Infinity;

  private readonly cards = new Map<string, EndpointCard>();
  private readonly cardsEl: HTMLElement;
  private readonly emptyEl: HTMLElement;
  private readonly blockedEl: HTMLElement;
  private readonly invalidEl: HTMLElement;
  private readonly ignoredEl: HTMLElement;
  private readonly discoveredEl: HTMLElement;
  private readonly summaryEl: HTMLElement;
  private readonly timeline: Timeline;
  private readonly forensicsEl: HTMLElement;
  private readonly findingsEl: HTMLElement;
  private readonly filterInput: HTMLInputElement;
  private readonly windowButtons: HTMLButtonElement[] = [];
  private readonly forensicsList: KeyedList;
  private readonly forensicsEmpty: HTMLElement;
  private readonly findingsList: KeyedList;
  private readonly findingsEmpty: HTMLElement;

  constructor(doc: Document, root: HTMLElement, host: DashboardHost) {
    this.doc = doc;
    this.host = host;
    const saved = host.getState();
    this.state = {
      filter: typeof saved?.filter === 'string' ? saved.filter : '',
      windowMs: TIMELINE_WINDOWS_MS.includes(saved?.windowMs as never) ? saved!.windowMs : DEFAULT_WINDOW_MS,
      scrollY: typeof saved?.scrollY === 'number' ? saved.scrollY : 0,
      ...(isServerLanguage(saved?.serverLanguage) ? { serverLanguage: saved.serverLanguage } : {}),
    };

    this.filterInput = h(doc, 'input', {
      testid: 'filter',
      attrs: { type: 'search', placeholder: 'Filter by endpoint name', 'aria-label': 'Filter endpoints by name', value: this.state.filter },
    });
    this.filterInput.value = this.state.filter;
    this.filterInput.addEventListener('input', () => {
      this.saveState({ filter: this.filterInput.value });
      this.render();
    });

    const windowGroup = h(doc, 'div', { class: 'segmented', testid: 'window-selector', attrs: { role: 'group', 'aria-label': 'Timeline window' } });
    for (const ms of TIMELINE_WINDOWS_MS) {
      const b = h(doc, 'button', { text: windowLabel(ms), testid: `window-${ms}`, attrs: { type: 'button', 'data-window': ms } });
      b.addEventListener('click', () => {
        this.saveState({ windowMs: ms });
        this.updateWindowButtons();
        this.renderTimeline();
      });
      this.windowButtons.push(b);
      windowGroup.appendChild(b);
    }
    const exportButton = (format: 'json' | 'csv') => {
      const b = h(doc, 'button', { text: `Export ${format.toUpperCase()}`, testid: `export-${format}`, attrs: { type: 'button', 'aria-label': `Export the report as ${format.toUpperCase()}` } });
      b.addEventListener('click', () => host.post({ type: 'exportReport', format }));
      return b;
    };

    this.summaryEl = h(doc, 'p', { class: 'summary', testid: 'summary', attrs: { 'aria-live': 'polite' } });
    this.blockedEl = h(doc, 'section', { class: 'blocked', testid: 'blocked', attrs: { 'aria-label': 'Endpoints not started' } });
    this.invalidEl = h(doc, 'section', { class: 'blocked', testid: 'invalid', attrs: { 'aria-label': 'Invalid settings entries' } });
    this.ignoredEl = h(doc, 'section', { class: 'blocked', testid: 'ignored', attrs: { 'aria-label': 'Unknown settings fields' } });
    this.discoveredEl = h(doc, 'section', { class: 'blocked', testid: 'discovered', attrs: { 'aria-label': 'Discovered MCP servers not monitored' } });
    this.emptyEl = h(doc, 'p', { class: 'empty', testid: 'empty' });
    this.cardsEl = h(doc, 'div', { class: 'cards', testid: 'cards' });
    this.timeline = new Timeline(doc);
    this.forensicsEl = h(doc, 'div', { class: 'forensics', testid: 'forensics' });
    this.forensicsList = new KeyedList(this.forensicsEl);
    this.forensicsEmpty = h(doc, 'p', { class: 'muted', text: 'No drops yet. Histograms appear after the first drop.' });
    this.findingsEl = h(doc, 'div', { class: 'findings', testid: 'findings' });
    this.findingsList = new KeyedList(this.findingsEl);
    this.findingsEmpty = h(doc, 'p', { class: 'muted', testid: 'no-findings', text: 'No problems diagnosed so far.' });

    const section = (title: string, testid: string, body: Element) =>
      h(doc, 'section', { class: 'panel', testid, attrs: { 'aria-labelledby': `${testid}-title` } }, [h(doc, 'h2', { text: title, attrs: { id: `${testid}-title` } }), body]);

    clear(root);
    root.appendChild(h(doc, 'header', { class: 'toolbar' }, [
      h(doc, 'h1', { text: 'Stream Health' }),
      this.summaryEl,
      h(doc, 'div', { class: 'toolbar-controls' }, [this.filterInput, windowGroup, exportButton('json'), exportButton('csv')]),
    ]));
    root.appendChild(this.blockedEl);
    root.appendChild(this.invalidEl);
    root.appendChild(this.ignoredEl);
    root.appendChild(this.discoveredEl);
    // At a glance first (every endpoint's state), then what to change (findings, snippets folded
    // away until asked for), then the history behind it.
    root.appendChild(section('Endpoints', 'endpoints', h(doc, 'div', {}, [this.emptyEl, this.cardsEl])));
    root.appendChild(section('Diagnosis', 'diagnosis', h(doc, 'div', {}, [this.findingsEmpty, this.findingsEl])));
    root.appendChild(section('Timeline', 'timeline-section', this.timeline.element));
    root.appendChild(section('Drop forensics', 'forensics-section', h(doc, 'div', {}, [this.forensicsEmpty, this.forensicsEl])));
    this.updateWindowButtons();
  }

  get viewState(): DashboardViewState {
    return this.state;
  }

  now(): number {
    return Date.now() + this.skewMs;
  }

  /**
   * Takes a message from the extension. `fromHtml` marks the snapshot embedded in the page, whose
   * `now` is as old as the HTML (a re-shown panel reuses it), so it must not set the clock skew.
   */
  receive(message: ToWebviewMessage, fromHtml = false): void {
    if (message.type === 'snapshot') {
      this.store.load(message.history);
      this.lastTrimAt = -Infinity;
    } else if (message.type === 'update') {
      for (const event of message.events) this.store.apply(event);
    } else {
      return;
    }
    if (!fromHtml) this.skewMs = message.now - Date.now();
    this.statuses = message.endpoints;
    this.blocked = message.blocked;
    this.invalid = message.invalid ?? [];
    this.ignored = message.ignored ?? [];
    this.sources = message.sources ?? {};
    this.discovered = message.discovered ?? [];
    this.hasData = true;
    const now = this.now();
    // Trimming walks every list; once in a while is enough for a window measured in hours.
    if (now - this.lastTrimAt >= TRIM_INTERVAL_MS) {
      this.store.trim(now);
      this.lastTrimAt = now;
    }
    this.render();
  }

  /** Once a second: ages, "ago" texts, countdowns and the sliding timeline. */
  tick(): void {
    if (!this.hasData) return;
    const now = this.now();
    for (const status of this.statuses) this.cards.get(status.name)?.update(status, this.store.lane(status.name), now, this.sources[status.name]);
    this.renderTimeline();
  }

  /** Theme switched (body class changed): canvas colours come from CSS variables. */
  themeChanged(): void {
    this.timeline.refreshColors();
  }

  saveState(patch: Partial<DashboardViewState>): void {
    this.state = { ...this.state, ...patch };
    this.host.setState(this.state);
  }

  private updateWindowButtons(): void {
    for (const b of this.windowButtons) b.setAttribute('aria-pressed', String(Number(b.getAttribute('data-window')) === this.state.windowMs));
  }

  private visible(): EndpointStatus[] {
    return this.statuses.filter((s) => matchesFilter(s.name, this.state.filter));
  }

  render(): void {
    const now = this.now();
    const visible = this.visible();
    setText(this.summaryEl, summaryLine(this.statuses, this.blocked.length));
    this.renderBlocked();
    this.renderInvalid();
    this.renderIgnored();
    this.renderDiscovered();

    if (this.statuses.length === 0) {
      setText(this.emptyEl, this.blocked.length > 0 || this.invalid.length > 0
        ? 'No endpoint is running.'
        : 'No endpoints configured. Run "Stream Health: Add Endpoint…" or edit the streamHealth.endpoints setting.');
      this.emptyEl.hidden = false;
    } else if (visible.length === 0) {
      setText(this.emptyEl, 'No endpoint matches the filter.');
      this.emptyEl.hidden = false;
    } else {
      this.emptyEl.hidden = true;
    }

    // Cards: built once per endpoint, updated in place so focus and buttons survive updates.
    const names = new Set(this.statuses.map((s) => s.name));
    for (const [name, card] of this.cards) {
      if (!names.has(name)) {
        card.element.remove();
        this.cards.delete(name);
      }
    }
    const onAction = (action: CardAction, endpoint: string) => this.host.post({ type: action, endpoint });
    this.statuses.forEach((status, i) => {
      let card = this.cards.get(status.name);
      if (!card) {
        card = new EndpointCard(this.doc, status, onAction);
        this.cards.set(status.name, card);
      }
      // Only move a card when it is out of place: moving a node blurs a focused button inside it.
      if (this.cardsEl.children[i] !== card.element) this.cardsEl.insertBefore(card.element, this.cardsEl.children[i] ?? null);
      card.element.hidden = !matchesFilter(status.name, this.state.filter);
      card.update(status, this.store.lane(status.name), now, this.sources[status.name]);
    });

    this.renderTimeline();
    this.renderForensics(visible);
    this.renderFindings(visible);
  }

  private renderTimeline(): void {
    const rows = this.visible().map((status) => ({ status, lane: this.store.lane(status.name) }));
    this.timeline.setData(rows, this.state.windowMs, this.now());
  }

  private renderBlocked(): void {
    this.renderNotice(this.blockedEl, 'Not started in this untrusted workspace', this.blocked.map((b) => ({
      key: `${b.name}\n${b.reason}`,
      build: () => h(this.doc, 'li', { testid: 'blocked-endpoint', attrs: { 'data-endpoint': b.name } }, [h(this.doc, 'strong', { text: b.name }), ': ', b.reason]),
    })));
  }

  /** Skipped settings entries: without this a typo in one entry only shows as a missing card. */
  private renderInvalid(): void {
    this.renderNotice(this.invalidEl, 'Invalid settings entries (skipped; the others keep running)', this.textItems(this.invalid, 'invalid-entry'));
  }

  /** Unknown fields: their entries run with the defaults, which a typo would otherwise hide. */
  private renderIgnored(): void {
    this.renderNotice(this.ignoredEl, 'Unknown settings fields (ignored; the entries run)', this.textItems(this.ignored, 'ignored-field'));
  }

  /** Found in other clients' files, not monitored: a Monitor button each (asks for its inputs first). */
  private renderDiscovered(): void {
    this.renderNotice(this.discoveredEl, 'Discovered MCP servers (not monitored)', this.discovered.map((d) => ({
      key: JSON.stringify(d),
      build: () => {
        const button = h(this.doc, 'button', { text: 'Monitor', testid: 'action-monitor-discovered', attrs: { type: 'button', 'aria-label': `Monitor ${d.name}` } });
        button.addEventListener('click', () => this.host.post({ type: 'monitorDiscovered', name: d.name }));
        return h(this.doc, 'li', { testid: 'discovered-endpoint', attrs: { 'data-endpoint': d.name } }, [
          h(this.doc, 'strong', { text: d.name }), ` ${d.kind} `, h(this.doc, 'code', { text: d.url }), ` ${d.source} `, button,
        ]);
      },
    })));
  }

  private textItems(texts: readonly string[], testid: string): { key: string; build: () => HTMLElement }[] {
    return texts.map((text) => ({ key: text, build: () => h(this.doc, 'li', { testid, text }) }));
  }

  /**
   * A notice above the cards: a heading and a list, hidden when the list is empty. render() runs on
   * every tick and these lists change only with the settings or trust, so the DOM is rebuilt only then.
   */
  private renderNotice(el: HTMLElement, heading: string, items: readonly { key: string; build: () => HTMLElement }[]): void {
    const key = items.map((i) => i.key).join('\n\n');
    if (this.noticeKeys.get(el) === key) return;
    this.noticeKeys.set(el, key);
    clear(el);
    el.hidden = items.length === 0;
    if (items.length === 0) return;
    el.appendChild(h(this.doc, 'h2', { text: heading }));
    el.appendChild(h(this.doc, 'ul', {}, items.map((i) => i.build())));
  }

  private renderForensics(visible: readonly EndpointStatus[]): void {
    const withDrops = visible.filter((s) => this.store.lane(s.name).drops.some((d) => d.cause !== 'manual'));
    this.forensicsEmpty.hidden = withDrops.length > 0;
    // One entry per endpoint, rebuilt only when its drops or cutoff changed: SVG churn 4 times a
    // second for 50 endpoints would be wasted work.
    this.forensicsList.update(withDrops.map((s) => {
      const drops = this.store.lane(s.name).drops;
      const cutoffs = s.findings.map((f) => [f.finding, f.estimateMs, f.match]);
      return {
        id: s.name,
        key: JSON.stringify([drops.length, drops[0]?.at, drops.at(-1)?.at, cutoffs]),
        build: () => renderForensics(this.doc, s, drops),
      };
    }));
  }

  private renderFindings(visible: readonly EndpointStatus[]): void {
    const copy = (text: string, label: string) => this.host.post({ type: 'copy', text, label });
    const language = this.state.serverLanguage ?? 'typescript';
    const choice = {
      language,
      choose: (chosen: ServerLanguage) => {
        this.saveState({ serverLanguage: chosen });
        this.renderFindings(this.visible());
      },
    };
    const entries = visible.flatMap((s) => s.findings.map((f) => ({
      id: `${s.name}\n${f.finding}`,
      key: JSON.stringify([s.kind, s.url, s.heartbeatSeconds, f, language]),
      build: (previous: Element | undefined) => {
        const el = renderFinding(this.doc, s, f, copy, choice);
        if (previous) carryOverOpenSnippets(previous, el);
        return el;
      },
    })));
    this.findingsEmpty.hidden = entries.length > 0;
    this.findingsList.update(entries);
  }
}
