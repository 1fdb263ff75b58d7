// The timeline: one lane per endpoint, sessions as bars, heartbeat ticks, drop markers by cause
// (colour + shape), hover details. Canvas, redrawn on requestAnimationFrame and only when dirty,
// drawing only what the window shows, so 50 lanes and 10,000 events stay smooth.

import { formatDuration } from '../core/format.ts';
import type { EndpointStatus } from '../core/model.ts';
import { h, setText } from './dom.ts';
import { describeDrop, formatClock, plural, STATE_LABELS } from './format.ts';
import type { Lane } from './laneStore.ts';
import { BASE_COLORS, causeStyle, legendEntries } from './theme.ts';
import { axisTicks, CURSOR_KEYS, laneAt, makeScale, moveCursor, nearestItem, sessionBars, tickColumns, timeToX, visibleCounts, visibleRange, windowLabel, type Cursor, type TimeScale } from './timelineGeometry.ts';

export interface TimelineRow {
  readonly status: EndpointStatus;
  readonly lane: Lane;
}

const LABEL_WIDTH = 170;
const LANE_HEIGHT = 26;
const AXIS_HEIGHT = 22;
const TOP = 4;
const RIGHT_PAD = 10;

export class Timeline {
  readonly element: HTMLElement;
  private readonly doc: Document;
  private readonly canvas: HTMLCanvasElement;
  private readonly tooltip: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly announcer: HTMLElement;
  private cursor: Cursor | undefined;
  private rows: readonly TimelineRow[] = [];
  private windowMs = 3_600_000;
  private now = Date.now();
  private frame: number | undefined;
  private hover: { x: number; y: number } | undefined;
  private colorCache = new Map<string, string>();
  private readonly shapes = new Map<string, Path2D>();
  private readonly labels = new Map<string, string>();

  constructor(doc: Document) {
    this.doc = doc;
    this.canvas = h(doc, 'canvas', { testid: 'timeline-canvas', attrs: { role: 'img', tabindex: 0, 'aria-roledescription': 'timeline' } });
    this.tooltip = h(doc, 'div', { class: 'tooltip', testid: 'timeline-tooltip', attrs: { role: 'tooltip' } });
    this.tooltip.hidden = true;
    this.summary = h(doc, 'p', { class: 'visually-hidden', testid: 'timeline-summary' });
    this.announcer = h(doc, 'p', { class: 'visually-hidden', attrs: { 'aria-live': 'polite' } });
    const legend = h(doc, 'ul', { class: 'legend', testid: 'timeline-legend', attrs: { 'aria-label': 'Drop causes' } }, [
      h(doc, 'li', {}, [legendSwatch(doc, 'session'), 'session (open → drop)']),
      h(doc, 'li', {}, [legendSwatch(doc, 'tick-in'), 'heartbeat received (above the bar)']),
      h(doc, 'li', {}, [legendSwatch(doc, 'tick-out'), 'heartbeat sent (below the bar)']),
      ...legendEntries().map((e) => h(doc, 'li', {}, [markerSvg(doc, e.style.path, e.style.stroke, e.style.colorVar, e.style.fallback), `${e.label} (${e.style.shapeName})`])),
    ]);
    this.element = h(doc, 'div', { class: 'timeline', testid: 'timeline' }, [
      h(doc, 'div', { class: 'timeline-canvas-wrap' }, [this.canvas, this.tooltip]),
      h(doc, 'p', { class: 'hint muted', text: 'Hover for details, or focus the timeline and use the arrow keys (up/down: endpoint, left/right: drop).' }),
      legend,
      this.summary,
      this.announcer,
    ]);
    this.canvas.addEventListener('mousemove', (e) => {
      const rect = this.canvas.getBoundingClientRect();
      this.hover = { x: e.clientX - rect.left, y: e.clientY - rect.top };
      this.updateTooltip();
    });
    this.canvas.addEventListener('mouseleave', () => {
      if (this.cursor) return;
      this.hover = undefined;
      this.tooltip.hidden = true;
    });
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
    this.canvas.addEventListener('blur', () => {
      this.cursor = undefined;
      this.hover = undefined;
      this.tooltip.hidden = true;
      this.invalidate();
    });
  }

  /** Keyboard users get the same details as mouse users: arrows move between lanes and drops. */
  private onKey(e: KeyboardEvent): void {
    if (!(CURSOR_KEYS as readonly string[]).includes(e.key)) return;
    e.preventDefault();
    const scale = this.scale();
    const ranges = this.rows.map((row) => visibleRange(row.lane.drops, scale, (d) => d.at));
    this.cursor = moveCursor(this.cursor, e.key, ranges);
    if (!this.cursor) {
      this.hover = undefined;
      this.tooltip.hidden = true;
    } else {
      this.hover = this.cursorPoint(this.cursor, scale);
      this.updateTooltip();
      setText(this.announcer, [...this.tooltip.childNodes].map((n) => n.textContent).join('. '));
    }
    this.invalidate();
  }

  private cursorPoint(cursor: Cursor, scale: TimeScale): { x: number; y: number } {
    const drop = this.rows[cursor.lane]?.lane.drops[cursor.drop];
    const x = drop ? timeToX(scale, drop.at) : scale.x0 + scale.width - 1;
    return { x, y: TOP + cursor.lane * LANE_HEIGHT + LANE_HEIGHT / 2 };
  }

  setData(rows: readonly TimelineRow[], windowMs: number, now: number): void {
    this.rows = rows;
    this.windowMs = windowMs;
    this.now = now;
    this.invalidate();
  }

  /** Theme changed: re-read the CSS variables. */
  refreshColors(): void {
    this.colorCache.clear();
    this.invalidate();
  }

  invalidate(): void {
    const win = this.doc.defaultView;
    if (this.frame !== undefined || !win || typeof win.requestAnimationFrame !== 'function') return;
    this.frame = win.requestAnimationFrame(() => {
      this.frame = undefined;
      this.draw();
    });
  }

  private color(pair: readonly [string, string]): string {
    let c = this.colorCache.get(pair[0]);
    if (c === undefined) {
      const win = this.doc.defaultView;
      c = (win ? win.getComputedStyle(this.doc.body).getPropertyValue(pair[0]).trim() : '') || pair[1];
      this.colorCache.set(pair[0], c);
    }
    return c;
  }

  private scale(): TimeScale {
    const width = this.canvas.clientWidth || 600;
    return makeScale(this.now, this.windowMs, LABEL_WIDTH, width - LABEL_WIDTH - RIGHT_PAD);
  }

  private draw(): void {
    const rows = this.rows;
    const height = TOP + rows.length * LANE_HEIGHT + AXIS_HEIGHT;
    const heightPx = `${height}px`;
    if (this.canvas.style.height !== heightPx) this.canvas.style.height = heightPx;
    const ctx = this.canvas.getContext('2d');
    const scale = this.scale();
    if (ctx) {
      const dpr = this.doc.defaultView?.devicePixelRatio ?? 1;
      const cssWidth = this.canvas.clientWidth || 600;
      if (this.canvas.width !== Math.round(cssWidth * dpr) || this.canvas.height !== Math.round(height * dpr)) {
        this.canvas.width = Math.round(cssWidth * dpr);
        this.canvas.height = Math.round(height * dpr);
      }
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, cssWidth, height);
      this.drawLanes(ctx, rows, scale);
      this.drawAxis(ctx, scale, TOP + rows.length * LANE_HEIGHT);
      if (this.cursor) {
        // The keyboard position, drawn like a focus ring.
        const p = this.cursorPoint(this.cursor, scale);
        ctx.strokeStyle = this.color(BASE_COLORS.focus);
        ctx.lineWidth = 2;
        ctx.strokeRect(p.x - 8, p.y - 9, 16, 18);
      }
    }
    const { sessions, drops } = visibleCounts(rows.map((row) => row.lane), scale, this.now);
    const text = `Timeline over the last ${windowLabel(this.windowMs)}: ${plural(rows.length, 'endpoint')}, ${plural(sessions, 'session')}, ${plural(drops, 'drop')}.`;
    this.canvas.setAttribute('aria-label', text);
    setText(this.summary, text);
    if (this.hover) this.updateTooltip();
  }

  /**
   * Draws every lane in a few batched passes: each kind of mark (closed bars, open bars, ticks in,
   * ticks out, one path per drop cause) is collected into one path and filled once, which is what
   * keeps thousands of marks cheap on a software-rendered canvas.
   */
  private drawLanes(ctx: CanvasRenderingContext2D, rows: readonly TimelineRow[], scale: TimeScale): void {
    const win = this.doc.defaultView;
    const family = win ? win.getComputedStyle(this.doc.body).fontFamily : '';
    ctx.font = `12px ${family || 'sans-serif'}`;
    ctx.textBaseline = 'middle';
    const closedBars = new Path2D();
    const openBars = new Path2D();
    const ticksIn = new Path2D();
    const ticksOut = new Path2D();
    const errors = new Path2D();
    const markers = new Map<string, Path2D>();

    ctx.fillStyle = this.color(BASE_COLORS.laneAlt);
    for (let i = 1; i < rows.length; i += 2) ctx.fillRect(0, TOP + i * LANE_HEIGHT, scale.x0 + scale.width, LANE_HEIGHT);
    ctx.fillStyle = this.color(BASE_COLORS.foreground);
    rows.forEach((row, index) => {
      const y = TOP + index * LANE_HEIGHT;
      const mid = y + LANE_HEIGHT / 2;
      // Lane label: canvas text is never parsed as markup, so an untrusted name is safe here.
      ctx.fillText(this.fitLabel(ctx, row.status.name), 4, mid);
      for (const bar of sessionBars(row.lane.sessions, scale, this.now)) (bar.open ? openBars : closedBars).rect(bar.x0, mid - 5, bar.x1 - bar.x0, 10);
      for (const x of tickColumns(row.lane.heartbeatsIn, scale)) ticksIn.rect(x, y + 2, 1, 5);
      for (const x of tickColumns(row.lane.heartbeatsOut, scale)) ticksOut.rect(x, y + LANE_HEIGHT - 7, 1, 5);
      const [from, to] = visibleRange(row.lane.drops, scale, (d) => d.at);
      let lastX = -Infinity;
      for (let i = from; i < to; i++) {
        const d = row.lane.drops[i]!;
        const x = Math.round(timeToX(scale, d.at));
        // Markers closer than 2 px would overdraw each other; the tooltip still finds each one.
        if (x - lastX < 2) continue;
        lastX = x;
        let path = markers.get(d.cause);
        if (!path) markers.set(d.cause, (path = new Path2D()));
        path.addPath(this.shape(d.cause), { a: 1, b: 0, c: 0, d: 1, e: x, f: mid });
      }
      const [ef, et] = visibleRange(row.lane.errors, scale, (e) => e.at);
      for (let i = ef; i < et; i++) errors.rect(Math.round(timeToX(scale, row.lane.errors[i]!.at)) - 1, mid - 2, 3, 4);
    });

    ctx.fillStyle = this.color(BASE_COLORS.session);
    ctx.globalAlpha = 0.55;
    ctx.fill(closedBars);
    ctx.globalAlpha = 0.85;
    ctx.fill(openBars);
    ctx.globalAlpha = 1;
    ctx.fillStyle = this.color(BASE_COLORS.heartbeatIn);
    ctx.fill(ticksIn);
    ctx.fillStyle = this.color(BASE_COLORS.heartbeatOut);
    ctx.fill(ticksOut);
    ctx.fillStyle = this.color(BASE_COLORS.error);
    ctx.fill(errors);
    ctx.lineWidth = 2;
    for (const [cause, path] of markers) {
      const style = causeStyle(cause);
      const color = this.color([style.colorVar, style.fallback]);
      if (style.stroke) {
        ctx.strokeStyle = color;
        ctx.stroke(path);
      } else {
        ctx.fillStyle = color;
        ctx.fill(path);
      }
    }
  }

  /** One parsed Path2D per cause, reused for every marker. */
  private shape(cause: string): Path2D {
    let path = this.shapes.get(cause);
    if (!path) this.shapes.set(cause, (path = new Path2D(causeStyle(cause).path)));
    return path;
  }

  /** Lane labels, truncated to the label column; cached because measuring text is slow. */
  private fitLabel(ctx: CanvasRenderingContext2D, name: string): string {
    const key = `${ctx.font}\n${name}`;
    let text = this.labels.get(key);
    if (text === undefined) {
      text = fitText(ctx, name, LABEL_WIDTH - 12);
      if (this.labels.size > 500) this.labels.clear();
      this.labels.set(key, text);
    }
    return text;
  }

  private drawAxis(ctx: CanvasRenderingContext2D, scale: TimeScale, y: number): void {
    ctx.strokeStyle = this.color(BASE_COLORS.grid);
    ctx.fillStyle = this.color(BASE_COLORS.muted);
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(scale.x0, y + 0.5);
    ctx.lineTo(scale.x0 + scale.width, y + 0.5);
    ctx.stroke();
    ctx.textAlign = 'center';
    for (const t of axisTicks(scale)) {
      const x = Math.round(timeToX(scale, t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(x, TOP);
      ctx.lineTo(x, y + 4);
      ctx.globalAlpha = 0.35;
      ctx.stroke();
      ctx.globalAlpha = 1;
      ctx.fillText(formatClock(t).slice(0, 5), x, y + AXIS_HEIGHT / 2 + 2);
    }
    ctx.textAlign = 'start';
  }

  private updateTooltip(): void {
    if (!this.hover) return;
    const lines = describeAt(this.rows, this.scale(), this.now, this.hover.x, this.hover.y);
    if (lines.length === 0) {
      this.tooltip.hidden = true;
      return;
    }
    this.tooltip.replaceChildren(...lines.map((line) => h(this.doc, 'div', { text: line })));
    this.tooltip.hidden = false;
    const wrapWidth = this.canvas.clientWidth || 600;
    const left = Math.min(this.hover.x + 12, Math.max(0, wrapWidth - 280));
    this.tooltip.style.left = `${left}px`;
    this.tooltip.style.top = `${this.hover.y + 14}px`;
  }
}

/** Hover text for a point on the timeline: a drop marker, else a session bar, else the lane. */
export function describeAt(rows: readonly TimelineRow[], scale: TimeScale, now: number, x: number, y: number): string[] {
  const index = laneAt({ top: TOP, laneHeight: LANE_HEIGHT }, y, rows.length);
  if (index < 0) return [];
  const row = rows[index]!;
  const lines = [`${row.status.name} (${row.status.kind}): ${STATE_LABELS[row.status.state]}`];
  if (x < scale.x0) return lines;
  const di = nearestItem(row.lane.drops, scale, x, 6, (d) => d.at);
  if (di >= 0) {
    const d = row.lane.drops[di]!;
    lines.push(`Drop at ${formatClock(d.at)}: ${describeDrop(d)}`);
    lines.push(`Stream age ${formatDuration(d.streamAgeMs)}, silent for ${formatDuration(d.silenceMs)}`);
    if (d.detail) lines.push(d.detail);
    return lines;
  }
  const bars = sessionBars(row.lane.sessions, scale, now);
  const bar = bars.find((b) => x >= b.x0 - 2 && x <= b.x1 + 2);
  if (bar) {
    const s = row.lane.sessions[bar.index]!;
    const end = s.endedAt ?? now;
    lines.push(`Session ${formatClock(s.openedAt)} → ${s.endedAt === undefined ? 'now' : formatClock(end)} (${formatDuration(end - s.openedAt)})`);
    if (s.detail) lines.push(s.detail);
  }
  return lines;
}

function fitText(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

function legendSwatch(doc: Document, kind: 'session' | 'tick-in' | 'tick-out'): Element {
  return h(doc, 'span', { class: `swatch swatch-${kind}`, attrs: { 'aria-hidden': 'true' } });
}

/** A legend marker: the same path as on the canvas, coloured by a CSS variable. */
export function markerSvg(doc: Document, path: string, stroke: boolean, colorVar: string, fallback: string): Element {
  const ns = 'http://www.w3.org/2000/svg';
  const el = doc.createElementNS(ns, 'svg');
  el.setAttribute('viewBox', '-7 -7 14 14');
  el.setAttribute('width', '14');
  el.setAttribute('height', '14');
  el.setAttribute('aria-hidden', 'true');
  const p = doc.createElementNS(ns, 'path');
  p.setAttribute('d', path);
  // Presentation attributes give the fallback; the stylesheet's class rules apply the theme colour
  // (no inline style attributes: the CSP allows only our stylesheet).
  if (stroke) {
    p.setAttribute('fill', 'none');
    p.setAttribute('stroke', fallback);
    p.setAttribute('stroke-width', '2');
  } else {
    p.setAttribute('fill', fallback);
  }
  p.setAttribute('class', `${markerClass(colorVar)} ${stroke ? 'marker-stroke' : 'marker-fill'}`);
  el.appendChild(p);
  return el;
}

/** `--vscode-charts-red` -> `marker-charts-red`; dashboard.css maps each to its variable. */
export function markerClass(colorVar: string): string {
  return `marker-${colorVar.replace(/^--vscode-/, '').replace(/[^a-z0-9-]/gi, '-')}`;
}
