// Small statistics helpers for the benchmarks (sorted-copy percentiles, rounding for the table).

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A distribution-free interval for the median (the binomial order statistics at n/2 ± 1.96·√n/2, 1-based
 * ranks clamped to the sample): about 95 % when the values are independent (95.4 % at n = 101). Null
 * below 6 values, where the sample's own range covers less than that.
 */
export function medianInterval(values: readonly number[]): { low: number; high: number } | null {
  const n = values.length;
  if (n < 6) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const half = 0.98 * Math.sqrt(n);
  const low = Math.max(1, Math.floor(n / 2 - half));
  const high = Math.min(n, Math.ceil(1 + n / 2 + half));
  return { low: sorted[low - 1]!, high: sorted[high - 1]! };
}
