// `--flag N` lookup for the benchmark entry points.

export function numberArg(flag: string, fallback: number, argv: readonly string[] = process.argv): number {
  const i = argv.indexOf(flag);
  const value = i > 0 ? Number(argv[i + 1]) : fallback;
  return Number.isFinite(value) ? value : fallback;
}
