// The shape of one benchmark figure, how a target is checked, and the printed table.

export interface Target {
  readonly op: '<=' | '>=';
  readonly value: number;
}

export interface Figure {
  /** Stable id, e.g. `detection.sse.ratio`. */
  readonly id: string;
  /** The section of bench/README.md the figure belongs to (1-5). */
  readonly item: number;
  readonly label: string;
  /** null when not measured or not detected; `note` says which. */
  readonly value: number | null;
  readonly unit: string;
  readonly target?: Target;
  /** The same-run baseline this figure is compared with, in words (e.g. `undici fetch: not detected within 20 s`). */
  readonly baseline?: string;
  readonly note?: string;
  /** Deliberately not measured in this environment (said in `note`); never counted as a miss. */
  readonly notMeasured?: boolean;
}

export interface CheckedFigure extends Figure {
  /** true/false against the target; null when there is no target or no value. */
  readonly pass: boolean | null;
}

export function check(figure: Figure): CheckedFigure {
  if (!figure.target || figure.notMeasured) return { ...figure, pass: null };
  // A target with no value (the benchmark failed, or nothing was detected) is a miss.
  if (figure.value === null || !Number.isFinite(figure.value)) return { ...figure, pass: false };
  const pass = figure.target.op === '<=' ? figure.value <= figure.target.value : figure.value >= figure.target.value;
  return { ...figure, pass };
}

function cell(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

export function formatValue(f: Figure): string {
  if (f.value === null) return 'n/a';
  return `${f.value}${f.unit ? ` ${f.unit}` : ''}`;
}

export function table(figures: readonly CheckedFigure[]): string {
  const rows = figures.map((f) => [
    String(f.item),
    f.label,
    formatValue(f),
    f.target ? `${f.target.op} ${f.target.value}${f.unit ? ` ${f.unit}` : ''}` : '',
    f.pass === null ? (f.target ? 'n/a' : '') : f.pass ? 'ok' : 'MISSED',
    [f.baseline, f.note].filter(Boolean).join('; '),
  ]);
  const headers = ['#', 'figure', 'value', 'target', '', 'baseline / note'];
  const widths = [2, 46, 14, 14, 6, 90];
  const line = (cols: string[]) => cols.map((c, i) => cell(c, widths[i]!)).join(' ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Markdown version of the table, for README / bench/README.md. */
export function markdown(figures: readonly CheckedFigure[]): string {
  const rows = figures.map(
    (f) =>
      `| ${f.item} | ${f.label} | ${formatValue(f)} | ${f.target ? `${f.target.op} ${f.target.value}${f.unit ? ` ${f.unit}` : ''}` : ''} | ${f.pass === null ? '' : f.pass ? 'ok' : '**missed**'} | ${[f.baseline, f.note].filter(Boolean).join('; ')} |`,
  );
  return ['| # | figure | value | target | | baseline / note |', '|---|---|---|---|---|---|', ...rows].join('\n');
}
