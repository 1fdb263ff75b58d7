// A tolerant reader for settings files (JSON with comments and trailing commas). Used only to list
// the names of workspace endpoints that workspace trust keeps VS Code from showing us; never to run them.

/** Removes comments and trailing commas outside strings, then parses; undefined when unparseable. */
export function parseJsonc(text: string): unknown {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (ch === '"') {
      // Copy a string verbatim, honouring escapes.
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
    } else {
      out += ch;
      i++;
    }
  }
  out = out.replace(/,(\s*[}\]])/g, '$1');
  try {
    return JSON.parse(out);
  } catch {
    return undefined;
  }
}

/** The value of a dotted settings key (`streamHealth.endpoints`) in a settings file's object. */
export function settingValue(settings: unknown, key: string): unknown {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) return undefined;
  return (settings as Record<string, unknown>)[key];
}
