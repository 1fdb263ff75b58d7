// Server-chosen text made safe for one line, and Retry-After: the helpers every transport shares
// (src/transports/serverText.ts).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isHtmlPage, parseRetryAfter, serverText } from '../../../src/transports/serverText.ts';

describe('parseRetryAfter', () => {
  test('reads delay-seconds', () => assert.equal(parseRetryAfter('120'), 120_000));
  test('reads an HTTP date relative to now', () => {
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', Date.parse('2026-01-01T00:00:00Z')), 30_000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 10_000);
  });
  test('a date in the past is zero, garbage and absence are undefined', () => {
    assert.equal(parseRetryAfter('Thu, 01 Jan 2015 00:00:00 GMT'), 0);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});

describe('serverText', () => {
  test('an HTML error page reads as its text: tags, scripts and styles gone, entities decoded once, whitespace collapsed', () => {
    const html = '<html><head><style>h1{color:red}</style><script>var t="secret"</script></head><body>\n<h1>502   Bad&nbsp;Gateway</h1><p>a &amp; b &lt;c&gt; &amp;lt;d</p></body></html>';
    assert.equal(serverText(html, 200), '502 Bad Gateway a & b <c> &lt;d');
  });

  test('line breaks become spaces; other control characters are shown, never passed through', () => {
    assert.equal(serverText('evil\r\nSet-Cookie: x', 200), 'evil Set-Cookie: x');
    assert.equal(serverText('a\nb\u0007 x\u0000y \u001b[31mred', 200), 'a b\\u0007 x\\u0000y \\u001b[31mred');
    assert.doesNotMatch(serverText('one\u2028two\u0085three', 200), /[\u2028\u0085]/);
  });

  test('at most maxChars, ellipsis included', () => {
    assert.equal(serverText('a'.repeat(500), 10), `${'a'.repeat(9)}…`);
    assert.equal(serverText('short', 10), 'short');
    assert.equal(serverText('x'.repeat(300), 200).length, 200);
  });
});

describe('isHtmlPage', () => {
  test('by content type, or by how the body starts when the type says nothing useful', () => {
    assert.equal(isHtmlPage('text/html; charset=utf-8'), true);
    assert.equal(isHtmlPage('', '\n <!DOCTYPE html><title>502</title>'), true);
    assert.equal(isHtmlPage('application/octet-stream', '<html><body>login</body></html>'), true);
    assert.equal(isHtmlPage('application/json', '{"error":"<html>"}'), false);
    assert.equal(isHtmlPage('text/event-stream', 'data: <html>\n\n'), false);
  });
});
