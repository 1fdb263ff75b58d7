// The extension's discovery decisions without vscode: the setting, remembered choices per server,
// what runs / is offered / waits, the notification text and the Copy to Settings entry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapServers } from '../../../src/discovery/mapping.ts';
import { discoverySources } from '../../../src/discovery/sources.ts';
import { readJsonc } from '../../../src/shared/jsonc.ts';
import { foundMessage, parseDiscoverySetting, planDiscovery, serverKey, settingsEntry, sourceText } from '../../../src/extension/discoveryModel.ts';
import { CURSOR_JSON, LITERAL_TOKEN, VSCODE_MCP_JSON } from '../discovery/fixtures.ts';

const HOME = '/home/u';
const PROJ = '/home/u/proj';
const sources = discoverySources({ home: HOME, platform: 'linux', workspaceFolders: [PROJ], clients: ['vscode', 'cursor'] });
const value = (text: string) => {
  const read = readJsonc(text);
  assert.ok(read.ok);
  return read.value;
};
const { servers } = mapServers(
  [
    { source: sources.find((s) => s.label === '.vscode/mcp.json')!, value: value(VSCODE_MCP_JSON) },
    { source: sources.find((s) => s.label === '~/.cursor/mcp.json')!, value: value(CURSOR_JSON) },
  ],
  { env: {}, home: HOME },
);
const names = (list: readonly { name: string }[]) => list.map((s) => s.name);

test('the setting: ask by default, all, off, a list of clients; anything else says what to use', () => {
  assert.deepEqual(parseDiscoverySetting(undefined), { mode: 'ask' });
  assert.deepEqual(parseDiscoverySetting('off'), { mode: 'off' });
  assert.deepEqual(parseDiscoverySetting(['cursor', 'gemini']), { mode: 'ask', clients: ['cursor', 'gemini'] });
  assert.match(parseDiscoverySetting(['cursor', 'zed']).problem!, /unknown source "zed" ignored; use vscode, claude-code, cursor, windsurf, gemini/);
  assert.match(parseDiscoverySetting(true).problem!, /must be "ask", "all", "off" or a list/);
});

test('ask: ready servers are offered once; chosen ones run, declined ones wait in the Discovered group', () => {
  const ready = servers.filter((s) => s.status === 'ready');
  const first = planDiscovery(servers, { mode: 'ask' }, {}, new Set());
  assert.deepEqual(names(first.monitor), []);
  assert.deepEqual(names(first.ask), names(ready));
  assert.ok(!names(first.ask).includes('fs'), 'stdio is never offered');
  const github = ready.find((s) => s.name === 'github')!;
  const legacy = ready.find((s) => s.name === 'legacy')!;
  const choices = { [serverKey(github)]: 'monitor', [serverKey(legacy)]: 'ignore' } as const;
  const later = planDiscovery(servers, { mode: 'ask' }, choices, new Set(ready.map(serverKey)));
  assert.deepEqual(names(later.monitor), ['github']);
  assert.deepEqual(later.ask, [], 'asked this session: not asked again');
  assert.ok(names(later.available).includes('legacy'));
  // all: everything but the declined; off: nothing.
  assert.ok(!names(planDiscovery(servers, { mode: 'all' }, choices, new Set()).monitor).includes('legacy'));
  assert.deepEqual(planDiscovery(servers, { mode: 'off' }, choices, new Set()), { monitor: [], ask: [], available: [] });
  // copied: lives in settings now, no longer followed.
  assert.ok(!names(planDiscovery(servers, { mode: 'all' }, { [serverKey(github)]: 'copied' }, new Set()).monitor).includes('github'));
});

test('a choice survives a URL edit (same file and key) but not a rename', () => {
  const github = servers.find((s) => s.name === 'github')!;
  const edited: typeof github = { ...github, url: 'https://elsewhere.example.com/mcp' };
  assert.equal(serverKey(edited), serverKey(github));
  assert.notEqual(serverKey({ ...github, name: 'gh' }), serverKey(github));
});

test('notification and source wording', () => {
  const ready = servers.filter((s) => s.status === 'ready');
  assert.equal(foundMessage(ready), `Found ${ready.length} MCP servers in .vscode/mcp.json and ~/.cursor/mcp.json`);
  assert.equal(sourceText(ready[0]!), 'from .vscode/mcp.json');
});

test('Copy to Settings writes references only: the literal token is renamed into SecretStorage, never copied', () => {
  const cursorGithub = servers.find((s) => s.name === 'github (cursor)')!;
  const entry = settingsEntry(cursorGithub, new Map([['mcp.literal.github.Authorization', 'mcp.github.Authorization']]));
  assert.deepEqual(entry, { name: 'github (cursor)', kind: 'mcp', url: 'https://gh.cursor.example.com/mcp', headers: { Authorization: 'Bearer ${secret:mcp.github.Authorization}' } });
  assert.doesNotMatch(JSON.stringify(entry), new RegExp(LITERAL_TOKEN));
  const github = servers.find((s) => s.name === 'github')!;
  assert.deepEqual(settingsEntry(github, new Map()).headers, { Authorization: 'Bearer ${secret:mcp.input.api-token}' });
});
