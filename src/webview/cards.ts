// One card per endpoint: identity, state badge (icon + text + colour), live ages and countdowns,
// cadence, drop counts, and the Reconnect / Pause-Resume / Measure buttons. Built once, updated in place.

import type { EndpointStatus } from '../core/model.ts';
import type { Lane } from './historyStore.ts';
import { h, setText } from './dom.ts';
import { describeDrop, formatAgo, formatCountdown, formatDuration, plural, STATE_ICONS, STATE_LABELS, STATE_SEVERITY } from './format.ts';
import { countDropsSince, DAY_MS, HOUR_MS, medianInterval } from './stats.ts';

export type CardAction = 'reconnect' | 'pause' | 'resume' | 'measureIdle';

interface Field {
  readonly row: HTMLElement;
  readonly value: HTMLElement;
}

/** The live text of a card, computed without the DOM so it can be unit-tested. */
export interface CardText {
  readonly age: string;
  readonly lastActivity: string;
  readonly lastHeartbeat: string;
  readonly cadence: string;
  readonly drops: string;
  /** Empty when not reconnecting. */
  readonly reconnect: string;
  readonly lastDrop: string;
  /** Why paused/failed/blocked, or the last connect error; empty when none. */
  readonly note: string;
}

export function cardText(status: EndpointStatus, lane: Lane | undefined, now: number): CardText {
  const live = status.state === 'open' || status.state === 'stale';
  const drops = lane?.drops ?? [];
  const serverMedian = medianInterval(lane?.heartbeatsIn ?? []);
  const clientMedian = medianInterval(lane?.heartbeatsOut ?? []);
  const cadenceParts = [
    `server ${serverMedian !== undefined ? `~${formatDuration(serverMedian)}` : 'none seen'}`,
    `client ${status.heartbeatSeconds > 0 ? `${status.heartbeatSeconds} s` : 'off'}${clientMedian !== undefined ? ` (~${formatDuration(clientMedian)})` : ''}`,
  ];
  // The status and the folded events can each be a little ahead of the other: show the newer.
  const lastIn = newest(status.lastHeartbeatInAt, lane?.heartbeatsIn.at(-1));
  const lastOut = newest(status.lastHeartbeatOutAt, lane?.heartbeatsOut.at(-1));
  let reconnect = '';
  if (status.state === 'backoff') reconnect = `attempt ${status.attempt}, next ${formatCountdown(status.nextAttemptAt, now)}`;
  else if (status.state === 'connecting') reconnect = `attempt ${status.attempt}, connecting…`;
  const d = status.lastDrop;
  const lastDrop = d
    ? `${describeDrop(d)} after ${formatDuration(d.streamAgeMs)} (silent ${formatDuration(d.silenceMs)}), ${formatAgo(d.at, now)}`
    : 'none';
  let note = status.reason ?? '';
  if (!note && status.lastError) note = `Last error: ${status.lastError.message}`;
  return {
    age: live && status.openedAt !== undefined ? formatDuration(now - status.openedAt) : 'not connected',
    lastActivity: formatAgo(status.lastInboundAt, now),
    lastHeartbeat: `in ${formatAgo(lastIn, now)} · out ${formatAgo(lastOut, now)}`,
    cadence: cadenceParts.join(' · '),
    drops: `${plural(countDropsSince(drops, now, HOUR_MS), 'drop')} in 1 h · ${countDropsSince(drops, now, DAY_MS)} in 24 h`,
    reconnect,
    lastDrop,
    note,
  };
}

function newest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.max(a, b);
}

export class EndpointCard {
  readonly element: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly badgeIcon: HTMLElement;
  private readonly badgeLabel: HTMLElement;
  private readonly url: HTMLElement;
  private readonly fields: Record<keyof CardText, Field>;
  private readonly pauseButton: HTMLButtonElement;
  private readonly reconnectButton: HTMLButtonElement;
  private readonly measureButton: HTMLButtonElement;
  private status: EndpointStatus;

  constructor(doc: Document, status: EndpointStatus, onAction: (action: CardAction, endpoint: string) => void) {
    this.status = status;
    const name = status.name;
    this.badgeIcon = h(doc, 'span', { class: 'badge-icon', attrs: { 'aria-hidden': 'true' } });
    this.badgeLabel = h(doc, 'span', { class: 'badge-label' });
    this.badge = h(doc, 'span', { class: 'badge', testid: 'state-badge' }, [this.badgeIcon, this.badgeLabel]);
    this.url = h(doc, 'code', { class: 'url', testid: 'endpoint-url' });

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
      note: field('note', 'Note'),
    };

    const button = (label: string, testid: string, action: () => CardAction): HTMLButtonElement => {
      const b = h(doc, 'button', { text: label, testid, attrs: { type: 'button' } });
      b.addEventListener('click', () => onAction(action(), this.status.name));
      return b;
    };
    this.reconnectButton = button('Reconnect', 'action-reconnect', () => 'reconnect');
    this.pauseButton = button('Pause', 'action-pause', () => (this.status.state === 'paused' ? 'resume' : 'pause'));
    this.measureButton = button('Measure idle timeout', 'action-measure', () => 'measureIdle');

    this.element = h(doc, 'article', { class: 'card', testid: 'card', attrs: { 'data-endpoint': name, 'aria-label': `Endpoint ${name}` } }, [
      h(doc, 'header', { class: 'card-header' }, [
        h(doc, 'h3', { class: 'card-title', text: name, testid: 'endpoint-name' }),
        h(doc, 'span', { class: 'kind', text: status.kind, testid: 'endpoint-kind' }),
        this.badge,
      ]),
      this.url,
      h(doc, 'dl', { class: 'fields' }, Object.values(this.fields).map((f) => f.row)),
      h(doc, 'div', { class: 'actions', attrs: { role: 'group', 'aria-label': `Actions for ${name}` } }, [
        this.reconnectButton,
        this.pauseButton,
        this.measureButton,
      ]),
    ]);
  }

  update(status: EndpointStatus, lane: Lane | undefined, now: number): void {
    this.status = status;
    const severity = STATE_SEVERITY[status.state];
    this.element.setAttribute('data-state', status.state);
    this.badge.className = `badge severity-${severity}`;
    setText(this.badgeIcon, STATE_ICONS[status.state]);
    setText(this.badgeLabel, STATE_LABELS[status.state]);
    setText(this.url, status.url);
    this.url.setAttribute('title', status.url);
    const text = cardText(status, lane, now);
    for (const key of Object.keys(this.fields) as (keyof CardText)[]) {
      const value = text[key];
      setText(this.fields[key].value, value);
      this.fields[key].row.hidden = value === '';
    }
    const paused = status.state === 'paused';
    setText(this.pauseButton, paused ? 'Resume' : 'Pause');
    this.pauseButton.setAttribute('aria-label', `${paused ? 'Resume' : 'Pause'} monitoring ${status.name}`);
    this.reconnectButton.setAttribute('aria-label', `Reconnect ${status.name} now`);
    this.measureButton.setAttribute('aria-label', `Measure the idle timeout on the path to ${status.name}`);
  }
}
