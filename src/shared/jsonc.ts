// Reads JSON with comments and trailing commas (settings files, MCP client configs) with VS Code's own
// parser, so text inside strings is never rewritten and a syntax error can name its line; and finds one
// endpoint entry in a settings file or one server's key in an MCP config file (Problems-panel anchors,
// CodeLens).
import { findNodeAtLocation, parse, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';

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

/** Where one `streamHealth.endpoints` element sits in a settings file's text. */
export interface EntryLocation {
  /** Index in the endpoints array (for edits: `[key, index, field]`). */
  readonly index: number;
  /** Offset and length of the entry's `"name": "..."` pair (or the whole element without one). */
  readonly offset: number;
  readonly length: number;
}

/**
 * Finds the endpoints-array element named `name` under `path` (`['streamHealth.endpoints']`, or
 * `['settings', 'streamHealth.endpoints']` in a .code-workspace file). Comments and trailing commas
 * are fine; an unparsable region simply yields no location.
 */
export function locateEntry(text: string, path: readonly string[], name: string): EntryLocation | undefined {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!root) return undefined;
  const array = findNodeAtLocation(root, [...path]);
  if (!array || array.type !== 'array') return undefined;
  const elements = array.children ?? [];
  for (let index = 0; index < elements.length; index++) {
    const element = elements[index]!;
    if (element.type !== 'object') continue;
    const nameValue = findNodeAtLocation(element, ['name']);
    if (nameValue?.value !== name) continue;
    const pair = nameValue.parent ?? element;
    return { index, offset: pair.offset, length: pair.length };
  }
  return undefined;
}

/** Where one property key sits: offset and length of the key string, quotes included. */
export interface KeyLocation {
  readonly key: string;
  readonly offset: number;
  readonly length: number;
}

/**
 * The keys of the object under `path` (`['servers']` in a VS Code mcp.json, `['mcpServers']` in the
 * other clients' files), in file order; [] when there is no such object. A duplicated key is listed
 * once, at its last occurrence (the one a JSON parser keeps).
 */
export function objectKeys(text: string, path: readonly string[]): KeyLocation[] {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!root) return [];
  const object = path.length ? findNodeAtLocation(root, [...path]) : root;
  if (!object || object.type !== 'object') return [];
  const byKey = new Map<string, KeyLocation>();
  for (const property of object.children ?? []) {
    const keyNode = property.children?.[0];
    if (!keyNode || typeof keyNode.value !== 'string') continue;
    byKey.delete(keyNode.value);
    byKey.set(keyNode.value, { key: keyNode.value, offset: keyNode.offset, length: keyNode.length });
  }
  return [...byKey.values()].sort((a, b) => a.offset - b.offset);
}

/** One key of the object under `path`, or undefined. */
export function locateKey(text: string, path: readonly string[], key: string): KeyLocation | undefined {
  return objectKeys(text, path).find((k) => k.key === key);
}

/** 0-based line and character of `offset` in `text`. */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}
