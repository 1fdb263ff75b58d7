// Settings resolution: layers, defaults, validation messages and workspace-trust filtering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, resolveEndpointSettings, type SettingsLayer } from '../../../src/extension/settingsModel.ts';

const user = (value: unknown): SettingsLayer => ({ level: 'user', label: 'User settings', value });
const workspace = (value: unknown): SettingsLayer => ({ level: 'workspace', label: 'Workspace settings', value });
const folder = (value: unknown): SettingsLayer => ({ level: 'workspaceFolder', label: 'Folder "api" settings', value });

test('untrusted workspace: user endpoints run, workspace and folder endpoints are blocked with a reason', () => {
  const result = resolveEndpointSettings(
    [
      user([{ name: 'mine', kind: 'sse', url: 'https://a.example/events' }]),
      workspace([{ name: 'theirs', kind: 'sse', url: 'http://evil.example/x' }]),
      folder([{ name: 'folderish', kind: 'websocket', url: 'ws://evil.example/ws' }]),
    ],
    { trusted: false },
  );
  assert.deepEqual(result.endpoints.map((e) => e.name), ['mine']);
  assert.deepEqual(result.blocked.map((b) => b.name), ['theirs', 'folderish']);
  assert.equal(result.blocked[0]!.reason, 'defined in workspace settings and this workspace is not trusted; trust the workspace to connect');
  assert.equal(result.blocked[1]!.reason, 'defined in folder "api" settings and this workspace is not trusted; trust the workspace to connect');
  assert.equal(result.issues.length, 0);
});

test('trusted workspace: every layer runs and a more specific entry replaces a same-named one', () => {
  const result = resolveEndpointSettings(
    [
      user([{ name: 'a', kind: 'sse', url: 'https://user.example/e' }, { name: 'b', kind: 'sse', url: 'https://user.example/b' }]),
      workspace([{ name: 'a', kind: 'sse', url: 'https://workspace.example/e' }]),
    ],
    { trusted: true },
  );
  assert.deepEqual(result.endpoints.map((e) => [e.name, e.url]), [['b', 'https://user.example/b'], ['a', 'https://workspace.example/e']]);
  assert.equal(result.origin.get('a'), 'workspace');
  assert.equal(result.origin.get('b'), 'user');
  assert.equal(result.blocked.length, 0);
});

test('an invalid entry is reported with its layer, index and field while the others keep running', () => {
  const result = resolveEndpointSettings(
    [user([{ name: 'ok', kind: 'sse', url: 'https://x.example/e' }, { name: 'bad', kind: 'grpc', url: 'not a url' }, { name: 'ws', kind: 'websocket', url: 'https://x.example' }])],
    { trusted: true },
  );
  assert.deepEqual(result.endpoints.map((e) => e.name), ['ok']);
  const texts = result.issues.map((i) => i.text);
  // The entry's name is in the text too, so nobody has to count entries to find it.
  assert.ok(texts.includes('User settings: endpoints[1].url: not a URL (entry "bad")'), texts.join('\n'));
  assert.ok(texts.some((t) => t.startsWith('User settings: endpoints[2].url: websocket endpoints need a ws: or wss: URL')), texts.join('\n'));
  assert.equal(result.issues[0]!.name, 'bad');
});

test('an unknown field is a warning with its layer, entry and a suggestion; the entry keeps running', () => {
  const result = resolveEndpointSettings(
    [user([{ name: 'typo', kind: 'sse', url: 'https://x.example/e', heartbeatSecond: 5 }]), workspace([{ name: 'w', kind: 'websocket', url: 'wss://x.example', websocket: { protocol: ['a'] } }])],
    { trusted: true },
  );
  assert.deepEqual(result.endpoints.map((e) => e.name), ['typo', 'w']);
  assert.deepEqual(result.issues, []);
  assert.deepEqual(result.warnings.map((w) => [w.level, w.name, w.text]), [
    ['user', 'typo', 'User settings: endpoints[0].heartbeatSecond: unknown field, ignored; did you mean "heartbeatSeconds"? (entry "typo")'],
    ['workspace', 'w', 'Workspace settings: endpoints[0].websocket.protocol: unknown field, ignored; did you mean "websocket.protocols"? (entry "w")'],
  ]);
});

test('the defaults setting fills omitted fields; explicit values win', () => {
  const result = resolveEndpointSettings(
    [user([
      { name: 'plain', kind: 'sse', url: 'https://x.example/e' },
      { name: 'own', kind: 'sse', url: 'https://x.example/f', heartbeatSeconds: 5, reconnect: { maxDelaySeconds: 10 } },
    ])],
    { trusted: true, defaults: { heartbeatSeconds: 20, idleTimeoutSeconds: 70, reconnect: { initialDelaySeconds: 2, maxDelaySeconds: 60 } } },
  );
  const [plain, own] = result.endpoints;
  assert.equal(plain!.heartbeatSeconds, 20);
  assert.equal(plain!.idleTimeoutSeconds, 70);
  assert.equal(plain!.reconnect.initialDelaySeconds, 2);
  assert.equal(own!.heartbeatSeconds, 5);
  // An entry with its own heartbeat gets 3 x it as its window, not the global default.
  assert.equal(own!.idleTimeoutSeconds, 15);
  assert.equal(own!.reconnect.maxDelaySeconds, 10);
  assert.equal(own!.reconnect.initialDelaySeconds, 2);
});

test('applyDefaults leaves non-objects alone so validation can name them', () => {
  assert.equal(applyDefaults('nope', { heartbeatSeconds: 1 }), 'nope');
  const result = resolveEndpointSettings([user(['nope'])], { trusted: true, defaults: { heartbeatSeconds: 1 } });
  assert.equal(result.issues[0]!.text, 'User settings: endpoints[0]: not an object; expected { "name", "kind", "url", ... }');
});

test('blocked entries without a usable name are still listed', () => {
  const result = resolveEndpointSettings([workspace([{ kind: 'sse' }])], { trusted: false });
  assert.deepEqual(result.blocked.map((b) => b.name), ['Workspace settings entry 1']);
});

test('a default heartbeat without a default window gets 3 x that heartbeat, never a validation error', () => {
  const result = resolveEndpointSettings([user([{ name: 'a', kind: 'sse', url: 'https://x.example/e' }])], { trusted: true, defaults: { heartbeatSeconds: 60 } });
  assert.equal(result.issues.length, 0);
  assert.equal(result.endpoints[0]!.heartbeatSeconds, 60);
  assert.equal(result.endpoints[0]!.idleTimeoutSeconds, 180);
});

test('no defaults setting: config.ts defaults apply', () => {
  const result = resolveEndpointSettings([user([{ name: 'a', kind: 'sse', url: 'https://x.example/e' }])], { trusted: true, defaults: {} });
  assert.equal(result.endpoints[0]!.heartbeatSeconds, 15);
  assert.equal(result.endpoints[0]!.idleTimeoutSeconds, 45);
});
