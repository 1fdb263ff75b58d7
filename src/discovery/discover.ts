// Reads the discovery sources from disk (node:fs, injectable) and maps them: missing files are normal,
// an unreadable or invalid file is a problem naming the file and line, and keeps its last good content.

import { readFileSync } from 'node:fs';
import { readJsonc } from '../shared/jsonc.ts';
import type { MapOptions, MappedServers, ParsedSource } from './mapping.ts';
import { mapServers } from './mapping.ts';
import type { DiscoverySource } from './sources.ts';

export interface DiscoveryProblem {
  /** Absolute path. */
  readonly file: string;
  readonly label: string;
  /** 1-based, for syntax errors. */
  readonly line?: number;
  readonly message: string;
}

export interface DiscoveryResult extends MappedServers {
  readonly fileProblems: DiscoveryProblem[];
  /** The sources whose file exists (read or kept from before), for watching and display. */
  readonly found: DiscoverySource[];
}

export type ReadFile = (file: string) => string;

export function formatProblem(problem: DiscoveryProblem): string {
  return `${problem.label}${problem.line !== undefined ? `:${problem.line}` : ''}: ${problem.message}`;
}

/**
 * `lastGood` (file -> value) is read and updated: a file that turns invalid keeps serving its previous
 * value, so an edit in progress never stops the endpoints it lists.
 */
export function discover(sources: readonly DiscoverySource[], options: MapOptions, readFile: ReadFile = (f) => readFileSync(f, 'utf8'), lastGood: Map<string, unknown> = new Map()): DiscoveryResult {
  const fileProblems: DiscoveryProblem[] = [];
  const parsed: ParsedSource[] = [];
  const found: DiscoverySource[] = [];
  const values = new Map<string, unknown | null>();
  for (const source of sources) {
    if (!values.has(source.file)) values.set(source.file, readSource(source, readFile, lastGood, fileProblems));
    const value = values.get(source.file);
    if (value === null) continue;
    found.push(source);
    parsed.push({ source, value });
  }
  const mapped = mapServers(parsed, options);
  return { ...mapped, fileProblems, found };
}

/** The file's value; null when it does not exist (or never parsed and cannot be read). */
function readSource(source: DiscoverySource, readFile: ReadFile, lastGood: Map<string, unknown>, problems: DiscoveryProblem[]): unknown | null {
  let text: string;
  try {
    text = readFile(source.file);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      lastGood.delete(source.file);
      return null;
    }
    problems.push({ file: source.file, label: source.label, message: `cannot read the file (${code ?? String(error)})` });
    return lastGood.has(source.file) ? lastGood.get(source.file) : null;
  }
  if (text.trim() === '') {
    lastGood.set(source.file, undefined);
    return undefined;
  }
  const read = readJsonc(text);
  if (read.ok) {
    lastGood.set(source.file, read.value);
    return read.value;
  }
  const kept = lastGood.has(source.file);
  problems.push({
    file: source.file,
    label: source.label,
    line: read.line,
    message: `not valid JSON (${read.message} at column ${read.column})${kept ? '; still using its last valid content' : ''}`,
  });
  return kept ? lastGood.get(source.file) : null;
}
