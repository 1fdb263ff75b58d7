// Reads JSON with comments and trailing commas (settings files, MCP client configs) with VS Code's own
// parser, so text inside strings is never rewritten and a syntax error can name its line.
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

/** The file's value; undefined when it has any syntax error, so a half-read file never names endpoints. */
export function parseJsonc(text: string): unknown {
  const read = readJsonc(text);
  return read.ok ? read.value : undefined;
}

export type JsoncRead =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly line: number; readonly column: number; readonly message: string };

/** The value, or the first syntax error with its 1-based line and column (e.g. `InvalidSymbol`). */
export function readJsonc(text: string): JsoncRead {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (!first) return { ok: true, value };
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const column = first.offset - before.lastIndexOf('\n');
  return { ok: false, line, column, message: printParseErrorCode(first.error) };
}

/** The value of a dotted settings key (`streamHealth.endpoints`) in a settings file's object. */
export function settingValue(settings: unknown, key: string): unknown {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) return undefined;
  return (settings as Record<string, unknown>)[key];
}
