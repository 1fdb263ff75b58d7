// A guard on the dashboard's sources: no API that parses strings as markup or code, so untrusted
// text can only ever reach the page as text.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const WEBVIEW = fileURLToPath(new URL('../../../src/webview/', import.meta.url));
const SINKS = [/\.innerHTML\b/, /\.outerHTML\b/, /insertAdjacentHTML/, /document\.write/, /\beval\s*\(/, /new Function\s*\(/, /createContextualFragment/, /setAttribute\(\s*['"]on/i, /setAttribute\(\s*['"]style['"]/];

test('the webview sources use no markup or code sinks', () => {
  const files = readdirSync(WEBVIEW).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 10, `found ${files.length} webview files`);
  const hits: string[] = [];
  for (const file of files) {
    const lines = readFileSync(join(WEBVIEW, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const sink of SINKS) if (sink.test(line)) hits.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(hits, []);
});
