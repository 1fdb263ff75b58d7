// `npm run bench`: runs each benchmark in its own child process (a clean heap, --expose-gc for the scale
// run), prints one table, writes bench/results.json. `--check` exits 1 when a target is missed; without it
// the run never fails on a figure. `--quick` runs smaller versions (for a smoke test, not for results);
// `--streams 2000,5000` (and the other flags a benchmark lists in `overrides`) change one benchmark's sizes.
// `--soak` runs only the hour-long soak (`--minutes N` shortens it); it is never part of the default run.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { numberArg } from './lib/args.ts';
import { check, markdown, table } from './lib/figures.ts';
import type { CheckedFigure, Figure } from './lib/figures.ts';

interface Bench {
  readonly name: string;
  readonly items: readonly number[];
  readonly file: string;
  readonly args: readonly string[];
  readonly quickArgs: readonly string[];
  readonly nodeArgs: readonly string[];
  readonly timeoutMs: number;
  /** Flags that `npm run bench -- FLAG VALUE` passes on to this benchmark, replacing its own (development). */
  readonly overrides?: readonly string[];
  /** Only run when asked for by this flag, and then alone. */
  readonly onlyWith?: string;
}

const SOAK_MINUTES = numberArg('--minutes', 60);

const BENCHES: readonly Bench[] = [
  { name: 'detection', items: [1, 2], file: 'detection.ts', args: ['--trials', '5'], quickArgs: ['--trials', '1'], nodeArgs: [], timeoutMs: 240_000 },
  { name: 'overhead', items: [3], file: 'overhead.ts', args: [], quickArgs: ['--messages', '5000', '--grpc-messages', '2000', '--mcp-messages', '1000', '--rounds', '3'], nodeArgs: [], timeoutMs: 600_000 },
  // Monitored and raw at 1,000 and at 10,000 streams, four child processes in turn (about 5 minutes), then
  // each kind alone at 250 streams, eight more (about 5 minutes).
  {
    name: 'scale',
    items: [4],
    file: 'scale.ts',
    args: ['--streams', '1000,10000', '--idle-seconds', '30', '--delay-seconds', '15', '--per-kind', '250'],
    // 10 s heartbeats so that the 10 s idle window sees one round of them.
    quickArgs: ['--streams', '100,400', '--heartbeat-seconds', '10', '--idle-seconds', '10', '--delay-seconds', '5', '--per-kind', '50'],
    nodeArgs: [],
    timeoutMs: 900_000,
    overrides: ['--streams', '--mix', '--idle-seconds', '--delay-seconds', '--per-kind'],
  },
  // Seconds: the bounded histories filled to the soak's minutes 5, 60, 180 and 300, without sockets.
  { name: 'history', items: [6], file: 'historyHeap.ts', args: [], quickArgs: ['--endpoints', '40'], nodeArgs: ['--expose-gc'], timeoutMs: 120_000 },
  { name: 'extension', items: [5], file: 'extension.ts', args: [], quickArgs: [], nodeArgs: [], timeoutMs: 200_000 },
  // After `extension`, which builds media/dashboard.js and the .vsix.
  { name: 'activation', items: [5], file: 'activation.ts', args: ['--loads', '5'], quickArgs: ['--loads', '2'], nodeArgs: [], timeoutMs: 300_000 },
  { name: 'dashboard', items: [5], file: 'dashboard.ts', args: ['--updates', '200'], quickArgs: ['--updates', '50'], nodeArgs: [], timeoutMs: 120_000 },
  {
    name: 'soak', items: [6], file: 'soak.ts', onlyWith: '--soak', overrides: ['--minutes'],
    args: ['--minutes', '60'], quickArgs: ['--minutes', '8', '--warmup-minutes', '2', '--cut-every-minutes', '2', '--restart-every-minutes', '3'],
    nodeArgs: ['--expose-gc'], timeoutMs: (SOAK_MINUTES + 10) * 60_000,
  },
];

/** The benchmark's arguments, with any of its `overrides` given on the command line put in their place. */
function argsFor(bench: Bench, quick: boolean, argv: readonly string[]): string[] {
  const args = [...(quick ? bench.quickArgs : bench.args)];
  for (const flag of bench.overrides ?? []) {
    const given = argv.indexOf(flag);
    if (given < 0 || argv[given + 1] === undefined) continue;
    const own = args.indexOf(flag);
    if (own >= 0) args.splice(own, 2);
    args.push(flag, argv[given + 1]!);
  }
  return args;
}

function runChild(bench: Bench, args: readonly string[]): Promise<Figure[]> {
  const file = fileURLToPath(new URL(bench.file, import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...bench.nodeArgs, file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), bench.timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        const parsed = JSON.parse(last) as { figures: Figure[] };
        return resolve(parsed.figures);
      } catch {
        const why = signal === 'SIGKILL' ? `timed out after ${bench.timeoutMs / 1000} s` : `exited ${code ?? signal}`;
        const detail = stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 300);
        resolve([{ id: `${bench.name}.failed`, item: bench.items[0]!, label: `${bench.name} benchmark`, value: null, unit: '', target: { op: '<=', value: 0 }, note: `benchmark failed (${why}): ${detail}` }]);
      }
    });
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const checkMode = argv.includes('--check');
  const quick = argv.includes('--quick');
  const onlyIndex = argv.indexOf('--only');
  const only = onlyIndex >= 0 ? new Set((argv[onlyIndex + 1] ?? '').split(',')) : undefined;
  const started = performance.now();
  const loadBefore = os.loadavg();
  const figures: CheckedFigure[] = [];
  const durations: Record<string, number> = {};
  const soak = argv.includes('--soak');
  for (const bench of BENCHES) {
    if (only && !only.has(bench.name)) continue;
    if (soak !== (bench.onlyWith === '--soak')) continue;
    process.stderr.write(`bench: ${bench.name}...\n`);
    const t0 = performance.now();
    figures.push(...(await runChild(bench, argsFor(bench, quick, argv))).map(check));
    durations[bench.name] = Math.round((performance.now() - t0) / 1000);
  }
  const totalSeconds = Math.round((performance.now() - started) / 1000);
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', memoryGiB: Math.round(os.totalmem() / 2 ** 30), loadavgBefore: loadBefore, loadavgAfter: os.loadavg() },
    quick,
    durationsSeconds: { ...durations, total: totalSeconds },
    figures,
  };
  fs.writeFileSync(new URL('results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${table(figures)}\n\n`);
  process.stdout.write(`total ${totalSeconds} s on ${os.cpus().length} cores, load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} -> ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; results in bench/results.json${quick ? ' (QUICK run: smaller sizes, not for reporting)' : ''}\n`);
  if (argv.includes('--markdown')) process.stdout.write(`\n${markdown(figures)}\n`);
  const notMeasured = figures.filter((f) => f.notMeasured);
  if (notMeasured.length > 0) process.stdout.write(`not measured: ${notMeasured.map((f) => f.id).join(', ')}\n`);
  const missed = figures.filter((f) => f.pass === false);
  if (missed.length > 0) process.stdout.write(`${missed.length} target(s) missed: ${missed.map((f) => f.id).join(', ')}\n`);
  return checkMode && missed.length > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
