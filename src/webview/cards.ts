// One card per endpoint: identity, state badge (icon + text + colour), live ages and countdowns,
// cadence, drop counts, and the Reconnect / Pause-Resume / Measure buttons. Built once, updated in place.

import { needsSignIn } from '../core/model.ts';
import type { EndpointStatus } from '../core/model.ts';
import { cardText, type CardText } from './cardText.ts';
import type { Lane } from './laneStore.ts';
import { h, setAttr, setText } from './dom.ts';
import { STATE_ICONS, STATE_LABELS, STATE_SEVERITY } from './format.ts';

export type CardAction = 'reconnect' | 'pause' | 'resume' | 'measureIdle' | 'signIn';

interface Field {
  readonly row: HTMLElement;
  readonly value: HTMLElement;
}

export class EndpointCard {
  readonly element: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly badgeIcon: HTMLElement;
  private readonly badgeLabel: HTMLElement;
  private readonly url: HTMLElement;
  /** Where a discovered endpoint comes from; hidden for settings endpoints. */
  private readonly source: HTMLElement;
  private readonly fields: Record<keyof CardText, Field>;
  private readonly pauseButton: HTMLButtonElement;
  private readonly reconnectButton: HTMLButtonElement;
  private readonly measureButton: HTMLButtonElement;
  /** Shown only while the endpoint needs an OAuth sign-in. */
  private readonly signInButton: HTMLButtonElement;
  private status: EndpointStatus;
  /** What the card shows now, as one string, so an update that changes nothing touches no node. */
  private shown = '';

  constructor(doc: Document, status: EndpointStatus, onAction: (action: CardAction, endpoint: string) => void) {
    this.status = status;
    const name = status.name;
    this.badgeIcon = h(doc, 'span', { class: 'badge-icon', attrs: { 'aria-hidden': 'true' } });
    this.badgeLabel = h(doc, 'span', { class: 'badge-label' });
    this.badge = h(doc, 'span', { class: 'badge', testid: 'state-badge' }, [this.badgeIcon, this.badgeLabel]);
    this.url = h(doc, 'code', { class: 'url', testid: 'endpoint-url' });
    this.source = h(doc, 'p', { class: 'source muted', testid: 'endpoint-source' });
    this.source.hidden = true;

    const field = (key: keyof CardText, label: string): Field => {
      const value = h(doc, 'dd', { testid: `field-${key}` });
      const row = h(doc, 'div', { class: `field field-${key}` }, [h(doc, 'dt', { text: label }), value]);
      return { row, value };
    };
    this.fields = {
      age: field('age', 'Stream age'),
      lastActivity: field('lastActivity', 'Last activity'),
      lastHeartbeat: field('lastHeartbeat', 'Last heartbeat'),
      cadence: field('cadence', 'Heartbeat cadence'),
      drops: field('drops', 'Drops'),
      reconnect: field('reconnect', 'Reconnect'),
      lastDrop: field('lastDrop', 'Last drop'),
      detail: field('detail', 'Stream'),
      liveness: field('liveness', 'Liveness probe'),
      note: field('note', 'Note'),
      route: field('route', 'Network'),
      security: field('security', 'TLS warning'),
    };
    this.fields.security.row.classList.add('warning');

    const button = (label: string, testid: string, action: () => CardAction): HTMLButtonElement => {
      const b = h(doc, 'button', { text: label, testid, attrs: { type: 'button' } });
      b.addEventListener('click', () => onAction(action(), this.status.name));
      return b;
    };
    this.reconnectButton = button('Reconnect', 'action-reconnect', () => 'reconnect');
    this.pauseButton = button('Pause', 'action-pause', () => (this.status.state === 'paused' ? 'resume' : 'pause'));
    this.measureButton = button('Measure idle timeout', 'action-measure', () => 'measureIdle');
    this.signInButton = button('Sign In', 'action-sign-in', () => 'signIn');
    this.signInButton.hidden = true;

    this.element = h(doc, 'article', { class: 'card', testid: 'card', attrs: { 'data-endpoint': name, 'aria-label': `Endpoint ${name}` } }, [
      h(doc, 'header', { class: 'card-header' }, [
        h(doc, 'h3', { class: 'card-title', text: name, testid: 'endpoint-name' }),
        h(doc, 'span', { class: 'kind', text: status.kind, testid: 'endpoint-kind' }),
        this.badge,
      ]),
      this.url,
      this.source,
      h(doc, 'dl', { class: 'fields' }, Object.values(this.fields).map((f) => f.row)),
      h(doc, 'div', { class: 'actions', attrs: { role: 'group', 'aria-label': `Actions for ${name}` } }, [
        this.signInButton,
        this.reconnectButton,
        this.pauseButton,
        this.measureButton,
      ]),
    ]);
  }

  update(status: EndpointStatus, lane: Lane | undefined, now: number, source = ''): void {
    this.status = status;
    const signIn = needsSignIn(status);
    const text = cardText(status, lane, now);
    // Every update of a card with 200 on the page costs style and layout even when nothing shows a
    // change: skip the DOM when what it would show is what it shows.
    const key = [status.state, signIn, status.url, status.name, source, ...Object.values(text)].join('\u0000');
    if (key === this.shown) return;
    this.shown = key;
    setText(this.source, source);
    this.source.hidden = source === '';
    const severity = STATE_SEVERITY[status.state];
    setAttr(this.element, 'data-state', status.state);
    setAttr(this.badge, 'class', `badge severity-${severity}`);
    setText(this.badgeIcon, STATE_ICONS[status.state]);
    setText(this.badgeLabel, signIn ? 'Sign in required' : STATE_LABELS[status.state]);
    this.signInButton.hidden = !signIn;
    setAttr(this.signInButton, 'aria-label', `Sign in to ${status.name}`);
    setText(this.url, status.url);
    setAttr(this.url, 'title', status.url);
    for (const key of Object.keys(this.fields) as (keyof CardText)[]) {
      const value = text[key];
      setText(this.fields[key].value, value);
      this.fields[key].row.hidden = value === '';
    }
    // The stream detail is clamped to two lines (gRPC's is long); the whole text is on hover.
    setAttr(this.fields.detail.value, 'title', text.detail);
    const paused = status.state === 'paused';
    setText(this.pauseButton, paused ? 'Resume' : 'Pause');
    setAttr(this.pauseButton, 'aria-label', `${paused ? 'Resume' : 'Pause'} monitoring ${status.name}`);
    setAttr(this.reconnectButton, 'aria-label', `Reconnect ${status.name} now`);
    setAttr(this.measureButton, 'aria-label', `Measure the idle timeout on the path to ${status.name}`);
  }
}
