// The settings-file reader (names endpoints hidden by workspace trust) and the entry locator behind the Problems panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locateEntry, parseJsonc, positionAt, settingValue } from '../../../src/shared/jsonc.ts';

test('comments and trailing commas are tolerated; strings with // and /* stay intact', () => {
  const text = `{
    // line comment
    "streamHealth.endpoints": [
      { "name": "a // not a comment", "url": "https://x.example/*x*/", }, /* block */
    ],
  }`;
  const value = parseJsonc(text);
  assert.deepEqual(settingValue(value, 'streamHealth.endpoints'), [{ name: 'a // not a comment', url: 'https://x.example/*x*/' }]);
});

test('escaped quotes inside strings do not end them', () => {
  assert.deepEqual(parseJsonc('{"a": "say \\"hi\\" // still string"}'), { a: 'say "hi" // still string' });
});

test('garbage gives undefined, not an exception', () => {
  assert.equal(parseJsonc('{ "a": '), undefined);
  assert.equal(settingValue(undefined, 'x'), undefined);
  assert.equal(settingValue([1], 'x'), undefined);
});

test('a comma before a bracket inside a string is text, not a trailing comma', () => {
  const text = '{ "streamHealth.endpoints": [{ "name": "a, ]", "url": "https://x.example/?q=1,}", },], }';
  assert.deepEqual(settingValue(parseJsonc(text), 'streamHealth.endpoints'), [{ name: 'a, ]', url: 'https://x.example/?q=1,}' }]);
});

test('locateEntry finds an endpoint element by name despite comments and trailing commas', () => {
  const text = `{
  // mine
  "editor.tabSize": 2,
  "streamHealth.endpoints": [
    { "name": "a", "kind": "sse", "url": "https://a.example/" },
    {
      "name": "orders", /* the one */
      "kind": "mcp",
      "url": "https://o.example/mcp",
    },
  ],
}`;
  const at = locateEntry(text, ['streamHealth.endpoints'], 'orders');
  assert.ok(at);
  assert.equal(at.index, 1);
  assert.equal(text.slice(at.offset, at.offset + at.length), '"name": "orders"');
  assert.deepEqual(positionAt(text, at.offset), { line: 6, character: 6 });
  assert.equal(locateEntry(text, ['streamHealth.endpoints'], 'nope'), undefined);
  assert.equal(locateEntry('{ "settings": { "streamHealth.endpoints": [{ "name": "w" }] } }', ['settings', 'streamHealth.endpoints'], 'w')?.index, 0);
});
