// The panel HTML: strict CSP with a fresh nonce, no inline script, initial state escaped into data-*.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Window } from 'happy-dom';
import { buildContentSecurityPolicy, buildDashboardHtml, createNonce, escapeAttribute } from '../../../../src/extension/dashboard/html.ts';

test('nonces are random, 128-bit and CSP-safe', () => {
  const a = createNonce();
  const b = createNonce();
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9+/]{22}==$/);
});

test('the CSP starts from default-src none and allows only the nonce script and our own resources', () => {
  const csp = buildContentSecurityPolicy('https://webview.src', 'N0nce');
  assert.equal(csp, "default-src 'none'; script-src 'nonce-N0nce'; style-src https://webview.src; img-src https://webview.src data:; font-src https://webview.src");
  assert.doesNotMatch(csp, /unsafe-(inline|eval)/);
});

test('the initial state survives a hostile name, as an attribute, with no inline script', async () => {
  const hostile = { name: '"><script>alert(1)</script><img src=x onerror=alert(2)>', quote: "it's & <b>" };
  const html = buildDashboardHtml({
    cspSource: 'https://webview.src',
    nonce: 'abc123',
    scriptUri: 'https://webview.src/media/dashboard.js',
    styleUri: 'https://webview.src/media/dashboard.css',
    initialState: hostile,
  });
  const window = new Window();
  const document = window.document;
  document.write(html);
  const scripts = [...document.querySelectorAll('script')];
  assert.equal(scripts.length, 1, 'only our script');
  assert.equal(scripts[0]!.getAttribute('src'), 'https://webview.src/media/dashboard.js');
  assert.equal(scripts[0]!.getAttribute('nonce'), 'abc123');
  assert.equal(scripts[0]!.textContent, '');
  assert.equal(document.querySelectorAll('img').length, 0);
  const root = document.getElementById('app')!;
  assert.deepEqual(JSON.parse(root.getAttribute('data-initial')!), hostile);
  assert.match(document.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')!, /^default-src 'none'/);
  await window.happyDOM.close();
});

test('escapeAttribute escapes all five HTML specials', () => {
  assert.equal(escapeAttribute(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;');
});
