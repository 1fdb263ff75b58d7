// Drop forensics: per endpoint, histograms of silence-at-drop and stream-age-at-drop with the
// inferred cutoff marked and the matched intermediary named. SVG built with DOM APIs only.

import { describeHops, formatDuration } from '../core/format.ts';
import type { Hop } from '../core/hops.ts';
import type { DropRecord, EndpointStatus, Finding } from '../core/model.ts';
import { h, svg } from './dom.ts';
import { plural } from './format.ts';
import { forensicDrops, histogram, histogramTicks, type Histogram } from './stats.ts';

const WIDTH = 340;
const HEIGHT = 130;
const PAD_LEFT = 28;
const PAD_RIGHT = 10;
const PAD_TOP = 18;
const PAD_BOTTOM = 22;

export interface Cutoffs {
  /** Where silence-at-drop clusters (intermediary idle timeout), if diagnosed. */
  readonly silence?: { readonly ms: number; readonly match?: string };
  /** Where stream-age-at-drop clusters (lifetime cap), if diagnosed. */
  readonly age?: { readonly ms: number; readonly match?: string };
  /** The hop chain the diagnosis saw, outermost first, and who it names. */
  readonly path?: { readonly hops: readonly Hop[]; readonly killer?: string };
}

export function cutoffsFrom(findings: readonly Finding[]): Cutoffs {
  const idle = findings.find((f) => f.finding === 'intermediary-idle-timeout' && f.estimateMs !== undefined);
  const life = findings.find((f) => f.finding === 'stream-lifetime-limit' && f.estimateMs !== undefined);
  const withHops = [idle, life].find((f) => f?.hops?.length);
  return {
    ...(idle ? { silence: { ms: idle.estimateMs!, ...(idle.match ? { match: idle.match } : {}) } } : {}),
    ...(life ? { age: { ms: life.estimateMs!, ...(life.match ? { match: life.match } : {}) } } : {}),
    ...(withHops ? { path: { hops: withHops.hops!, ...(withHops.match ? { killer: withHops.match } : {}) } } : {}),
  };
}

/** One line saying what the histograms show, for sighted and screen-reader users alike. */
export function cutoffSentence(cutoffs: Cutoffs): string {
  const parts: string[] = [];
  if (cutoffs.silence) {
    parts.push(`Streams die after about ${formatDuration(cutoffs.silence.ms)} of silence${cutoffs.silence.match ? `: matches ${cutoffs.silence.match}` : ''}.`);
  }
  if (cutoffs.age) parts.push(`Streams die at about ${formatDuration(cutoffs.age.ms)} of age, whatever the traffic: a lifetime cap${cutoffs.age.match ? ` (${cutoffs.age.match})` : ''}.`);
  if (cutoffs.path) parts.push(`Path, outermost first: ${describeHops(cutoffs.path.hops, cutoffs.path.killer)}.`);
  return parts.join(' ') || 'No cutoff inferred yet (it takes 3 similar drops).';
}

export function renderForensics(doc: Document, status: EndpointStatus, drops: readonly DropRecord[]): HTMLElement {
  const relevant = forensicDrops(drops);
  // A watchdog drop's silence is our own idle window, not the path's limit: charting it would draw
  // a false cutoff, so those drops count in the age chart only.
  const pathDrops = relevant.filter((d) => d.cause !== 'watchdog');
  const watchdog = relevant.length - pathDrops.length;
  const watchdogNote = watchdog > 0
    ? ` ${plural(watchdog, 'silent death')} (watchdog) left out of the silence chart: their silence is the watchdog window.`
    : '';
  const cutoffs = cutoffsFrom(status.findings);
  return h(doc, 'section', { class: 'forensics-endpoint', testid: 'forensics-endpoint', attrs: { 'data-endpoint': status.name } }, [
    h(doc, 'h3', { text: status.name }),
    h(doc, 'p', { class: 'muted', testid: 'forensics-summary', text: `${plural(relevant.length, 'drop')} analysed. ${cutoffSentence(cutoffs)}${watchdogNote}` }),
    h(doc, 'div', { class: 'histograms' }, [
      histogramFigure(doc, 'Silence at drop', 'histogram-silence', pathDrops.map((d) => d.silenceMs), cutoffs.silence?.ms, cutoffs.silence?.match, watchdog > 0 ? 'only silent deaths (watchdog)' : 'no drops yet'),
      histogramFigure(doc, 'Stream age at drop', 'histogram-age', relevant.map((d) => d.streamAgeMs), cutoffs.age?.ms, cutoffs.age?.match, 'no drops yet'),
    ]),
  ]);
}

function histogramFigure(doc: Document, title: string, testid: string, values: number[], cutoffMs: number | undefined, match: string | undefined, emptyText: string): HTMLElement {
  const hist = histogram(values, 24, cutoffMs);
  const description = describeHistogram(title, hist, cutoffMs, match, emptyText);
  const figure = h(doc, 'figure', { class: 'histogram', testid }, [
    h(doc, 'figcaption', { text: title }),
  ]);
  const chart = svg(doc, 'svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': description, class: 'histogram-svg' });
  const plotW = WIDTH - PAD_LEFT - PAD_RIGHT;
  const plotH = HEIGHT - PAD_TOP - PAD_BOTTOM;
  const n = Math.max(1, hist.counts.length);
  const bw = plotW / n;
  const span = hist.binWidthMs * n;
  const xOf = (ms: number) => PAD_LEFT + ((ms - hist.startMs) / span) * plotW;
  // Axis and scale labels.
  chart.appendChild(svg(doc, 'line', { x1: PAD_LEFT, y1: PAD_TOP + plotH + 0.5, x2: PAD_LEFT + plotW, y2: PAD_TOP + plotH + 0.5, class: 'axis' }));
  for (const t of histogramTicks(hist)) {
    const x = xOf(t);
    chart.appendChild(svg(doc, 'line', { x1: x, y1: PAD_TOP + plotH, x2: x, y2: PAD_TOP + plotH + 4, class: 'axis' }));
    chart.appendChild(svg(doc, 'text', { x, y: HEIGHT - 6, class: 'tick-label', 'text-anchor': 'middle' }, [formatDuration(t)]));
  }
  if (hist.total > 0) chart.appendChild(svg(doc, 'text', { x: PAD_LEFT - 4, y: PAD_TOP + 4, class: 'tick-label', 'text-anchor': 'end' }, [String(hist.maxCount)]));
  hist.counts.forEach((count, i) => {
    if (count === 0) return;
    const barH = (count / Math.max(1, hist.maxCount)) * plotH;
    const lo = hist.startMs + i * hist.binWidthMs;
    chart.appendChild(svg(doc, 'rect', {
      x: PAD_LEFT + i * bw + 1,
      y: PAD_TOP + plotH - barH,
      width: Math.max(1, bw - 2),
      height: barH,
      class: 'bar',
      'data-testid': 'histogram-bar',
    }, [svg(doc, 'title', {}, [`${plural(count, 'drop')} between ${formatDuration(lo)} and ${formatDuration(lo + hist.binWidthMs)}`])]));
  });
  if (cutoffMs !== undefined && hist.counts.length > 0) {
    const x = xOf(cutoffMs);
    chart.appendChild(svg(doc, 'line', { x1: x, y1: PAD_TOP - 4, x2: x, y2: PAD_TOP + plotH, class: 'cutoff', 'data-testid': 'histogram-cutoff' }));
    const label = `cutoff ≈ ${formatDuration(cutoffMs)}${match ? ` (${match})` : ''}`;
    const anchor = x > WIDTH * 0.6 ? 'end' : 'start';
    chart.appendChild(svg(doc, 'text', { x: anchor === 'end' ? x - 4 : x + 4, y: PAD_TOP - 6, class: 'cutoff-label', 'text-anchor': anchor }, [label]));
  }
  if (hist.total === 0) {
    chart.appendChild(svg(doc, 'text', { x: WIDTH / 2, y: HEIGHT / 2, class: 'tick-label', 'text-anchor': 'middle' }, [emptyText]));
  }
  figure.appendChild(chart);
  return figure;
}

/** The chart in words (its aria-label): counts, where most drops fall, and the cutoff. */
export function describeHistogram(title: string, hist: Histogram, cutoffMs: number | undefined, match: string | undefined, emptyText = 'no drops yet'): string {
  if (hist.total === 0) return `${title}: ${emptyText}.`;
  let peak = 0;
  hist.counts.forEach((c, i) => {
    if (c > hist.counts[peak]!) peak = i;
  });
  const lo = hist.startMs + peak * hist.binWidthMs;
  let text = `${title}: ${plural(hist.total, 'drop')}, most between ${formatDuration(lo)} and ${formatDuration(lo + hist.binWidthMs)}.`;
  if (cutoffMs !== undefined) text += ` Inferred cutoff about ${formatDuration(cutoffMs)}${match ? `, matching ${match}` : ''}.`;
  return text;
}
