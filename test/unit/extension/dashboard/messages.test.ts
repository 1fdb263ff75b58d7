// Messages from the webview: validated and stripped of extra fields before the extension acts on them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFromWebview } from '../../../../src/extension/dashboard/messages.ts';

test('webview messages are validated before the extension acts on them', () => {
  assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseFromWebview({ type: 'reconnect', endpoint: 'a' }), { type: 'reconnect', endpoint: 'a' });
  assert.deepEqual(parseFromWebview({ type: 'exportReport', format: 'csv' }), { type: 'exportReport', format: 'csv' });
  assert.deepEqual(parseFromWebview({ type: 'copy', text: 'x', label: 'y', extra: 1 }), { type: 'copy', text: 'x', label: 'y' });
  assert.equal(parseFromWebview({ type: 'exportReport', format: 'html' }), undefined);
  assert.equal(parseFromWebview({ type: 'pause' }), undefined);
  assert.equal(parseFromWebview({ type: 'pause', endpoint: 42 }), undefined);
  assert.deepEqual(parseFromWebview({ type: 'monitorDiscovered', name: 'gh', url: 'x' }), { type: 'monitorDiscovered', name: 'gh' });
  assert.equal(parseFromWebview({ type: 'monitorDiscovered', name: '' }), undefined);
  assert.equal(parseFromWebview({ type: 'eval', code: '1' }), undefined);
  assert.equal(parseFromWebview(null), undefined);
  assert.equal(parseFromWebview('ready'), undefined);
});
