// The settings-file reader used to name endpoints hidden by workspace trust.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonc, settingValue } from '../../../src/shared/jsonc.ts';

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
