// Reads settings files (JSON with comments and trailing commas) with VS Code's own parser. Used only to
// list the names of workspace endpoints that workspace trust keeps VS Code from showing us; never to run them.
import { parse, type ParseError } from 'jsonc-parser';

/** The file's value; undefined when it has any syntax error, so a half-read file never names endpoints. */
export function parseJsonc(text: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  return errors.length > 0 ? undefined : value;
}

/** The value of a dotted settings key (`streamHealth.endpoints`) in a settings file's object. */
export function settingValue(settings: unknown, key: string): unknown {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) return undefined;
  return (settings as Record<string, unknown>)[key];
}
