// The settings-file reader (names endpoints hidden by workspace trust) and the entry and key locators behind the
// Problems panel and the MCP-config CodeLens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locateEntry, locateKey, objectKeys, parseJsonc, positionAt, settingValue } from '../../../src/shared/jsonc.ts';

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

test('objectKeys lists server keys in file order with their offsets; comments, nested keys and other sections are not keys', () => {
  const text = `{
  // "commented": {},
  "inputs": [{ "id": "servers" }],
  "servers": {
    "a \\"quoted\\" name": { "url": "https://a.example/mcp", "headers": { "b": "x" } },
    /* block */ "b": { "url": "https://b.example/mcp" },
  },
}`;
  const keys = objectKeys(text, ['servers']);
  assert.deepEqual(keys.map((k) => k.key), ['a "quoted" name', 'b']);
  for (const k of keys) assert.equal(JSON.parse(text.slice(k.offset, k.offset + k.length)), k.key);
  const b = locateKey(text, ['servers'], 'b')!;
  assert.deepEqual(positionAt(text, b.offset), { line: 5, character: 16 });
  assert.equal(locateKey(text, ['servers'], 'headers'), undefined);
  assert.deepEqual(objectKeys(text, ['mcpServers']), []);
  assert.deepEqual(objectKeys(text, ['inputs']), []);
  assert.deepEqual(objectKeys('not json at all', ['servers']), []);
});

test('a duplicated key is located where a JSON parser takes its value from: the last one', () => {
  const text = '{ "mcpServers": { "x": { "url": "https://1.example" }, "y": {}, "x": { "url": "https://2.example" } } }';
  assert.deepEqual(objectKeys(text, ['mcpServers']).map((k) => k.key), ['y', 'x']);
  assert.equal(locateKey(text, ['mcpServers'], 'x')!.offset, text.lastIndexOf('"x"'));
});

test('keys under a path with dots and slashes in its segments (~/.claude.json projects)', () => {
  const text = '{ "projects": { "/home/u/my.proj": { "mcpServers": { "api": {} } } } }';
  assert.equal(locateKey(text, ['projects', '/home/u/my.proj', 'mcpServers'], 'api')!.offset, text.indexOf('"api"'));
});
