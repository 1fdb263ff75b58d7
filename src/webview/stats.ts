// Aggregation for the cards and the drop forensics: drop counts over recent windows and histogram
// bins with "nice" widths. Pure (no DOM) so node tests cover it.

import type { DropRecord } from '../core/model.ts';
import { intervals, median } from '../core/stats.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Drops (excluding the user's own `manual` ones) within `windowMs` before `now`. */
export function countDropsSince(drops: readonly DropRecord[], now: number, windowMs: number): number {
  const from = now - windowMs;
  let n = 0;
  for (const d of drops) if (d.at >= from && d.at <= now && d.cause !== 'manual') n++;
  return n;
}

export interface Histogram {
  /** Left edge of the first bin, ms. */
  readonly startMs: number;
  readonly binWidthMs: number;
  readonly counts: readonly number[];
  readonly total: number;
  readonly maxCount: number;
}

/** The smallest of 1, 2, 5 x 10^k (ms) at least `raw`, so bin edges read as round numbers. */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const exp = Math.floor(Math.log10(raw));
  const base = 10 ** exp;
  for (const m of [1, 2, 5, 10]) if (m * base >= raw) return m * base;
  return 10 * base;
}

/**
 * Bins `values` from 0 into at most `maxBins` bins of a nice width. The range always includes
 * `mark` (the inferred cutoff) so it can be drawn. Starting at zero is the point: "they all die at
 * 60 s, never earlier" shows as one spike far from the origin, the picture people draw by hand.
 */
export function histogram(values: readonly number[], maxBins = 24, mark?: number): Histogram {
  const finite = values.filter((v) => Number.isFinite(v) && v >= 0);
  const all = mark !== undefined && Number.isFinite(mark) ? [...finite, mark] : finite;
  if (all.length === 0) return { startMs: 0, binWidthMs: 1000, counts: [], total: 0, maxCount: 0 };
  const hi = Math.max(...all);
  const width = niceStep(Math.max(hi / maxBins, 1) * 1.0001);
  const binCount = Math.min(maxBins, Math.floor(hi / width) + 1);
  const counts = new Array<number>(binCount).fill(0);
  for (const v of finite) counts[Math.min(binCount - 1, Math.floor(v / width))]!++;
  return { startMs: 0, binWidthMs: width, counts, total: finite.length, maxCount: Math.max(0, ...counts) };
}

/** Round axis labels for a histogram: multiples of a nice step, about `target` of them, from 0. */
export function histogramTicks(hist: Histogram, target = 4): number[] {
  const end = hist.startMs + hist.binWidthMs * hist.counts.length;
  if (end <= 0) return [];
  const step = niceStep(end / target);
  const out: number[] = [];
  for (let t = 0; t <= end + 1e-9; t += step) out.push(t);
  return out;
}

/** Drops that say something about the path: the user's own reconnects are left out. */
export function forensicDrops(drops: readonly DropRecord[]): DropRecord[] {
  return drops.filter((d) => d.cause !== 'manual');
}

/**
 * Last answers of medianInterval per list. The lane store only inserts into a list or replaces it, so
 * an unchanged length means an unchanged list: each card asks on every update, the list rarely changed.
 */
const intervalMemo = new WeakMap<readonly number[], { readonly length: number; readonly recent: number; readonly value: number | undefined }>();

/** Median gap between the last `recent` timestamps of an ascending list; undefined under two. */
export function medianInterval(sortedTimes: readonly number[], recent = 50): number | undefined {
  const memo = intervalMemo.get(sortedTimes);
  if (memo && memo.length === sortedTimes.length && memo.recent === recent) return memo.value;
  const value = median(intervals(sortedTimes.slice(Math.max(0, sortedTimes.length - recent))));
  intervalMemo.set(sortedTimes, { length: sortedTimes.length, recent, value });
  return value;
}
