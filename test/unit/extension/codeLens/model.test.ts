// The CodeLens in MCP config files without vscode: which keys get a lens (remote servers only, the
// clash-suffixed name mapped back to its key, both sections of ~/.claude.json) and what a lens says.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EndpointStatus, Finding } from '../../../../src/core/model.ts';
import { mapServers } from '../../../../src/discovery/mapping.ts';
import { discoverySources } from '../../../../src/discovery/sources.ts';
import { parseJsonc } from '../../../../src/shared/jsonc.ts';
import { findingPhrase, serverLenses, statusLensText } from '../../../../src/extension/codeLens/model.ts';
import { CURSOR_JSON, VSCODE_MCP_JSON } from '../../discovery/fixtures.ts';

const HOME = '/home/u';
const PROJ = '/home/u/proj';
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const sources = discoverySources({ home: HOME, platform: 'linux', workspaceFolders: [PROJ] });
const source = (label: string) => sources.find((s) => s.label === label)!;

const CLAUDE_JSON = `{
  "mcpServers": { "shared": { "type": "http", "url": "https://shared.example.com/mcp" } },
  "projects": {
    "${PROJ}": { "mcpServers": { "local-api": { "type": "sse", "url": "https://local.example.com/sse" }, "tool": { "command": "tool" } } }
  }
}`;

function mapped(files: readonly [string, string][]) {
  return mapServers(files.map(([label, text]) => ({ source: source(label), value: parseJsonc(text) })), { env: {}, home: HOME }).servers;
}

/** The key text each lens sits on. */
function keysAt(text: string, lenses: readonly { offset: number; name: string }[]): string[][] {
  return lenses.map((l) => [JSON.parse(text.slice(l.offset, text.indexOf('"', l.offset + 1) + 1)) as string, l.name]);
}

function status(state: EndpointStatus['state'], extra: Partial<EndpointStatus> = {}): EndpointStatus {
  return { name: 'github', kind: 'mcp', url: 'https://api.githubcopilot.com/mcp', state, attempt: 0, findings: [], heartbeatSeconds: 15, idleTimeoutSeconds: 45, ...extra };
}

function finding(kind: Finding['finding'], extra: Partial<Finding> = {}): Finding {
  return { finding: kind, message: 'm', fix: 'f', evidence: 3, ...extra };
}

test('a lens on each remote server key of .vscode/mcp.json; none on the stdio entry', () => {
  const servers = mapped([['.vscode/mcp.json', VSCODE_MCP_JSON]]);
  const lenses = serverLenses(VSCODE_MCP_JSON, source('.vscode/mcp.json').file, servers);
  assert.deepEqual(keysAt(VSCODE_MCP_JSON, lenses), [['github', 'github'], ['legacy', 'legacy'], ['weird', 'weird']]);
});

test('a clashing name keeps its lens on the key in its own file, and only that file gets it', () => {
  const servers = mapped([['.vscode/mcp.json', VSCODE_MCP_JSON], ['~/.cursor/mcp.json', CURSOR_JSON]]);
  const cursor = source('~/.cursor/mcp.json').file;
  assert.deepEqual(keysAt(CURSOR_JSON, serverLenses(CURSOR_JSON, cursor, servers)), [['github', 'github (cursor)'], ['linear', 'linear']]);
  assert.deepEqual(serverLenses(CURSOR_JSON, '/elsewhere/mcp.json', servers), []);
});

test('one URL in two files: a lens in each, both for the one endpoint', () => {
  const other = `{ "mcpServers": { "gh": { "url": "https://api.githubcopilot.com/mcp" } } }`;
  const servers = mapped([['.vscode/mcp.json', VSCODE_MCP_JSON], ['.cursor/mcp.json', other]]);
  assert.deepEqual(keysAt(other, serverLenses(other, source('.cursor/mcp.json').file, servers)), [['gh', 'github']]);
});

test('~/.claude.json: user servers and this project\'s servers both get lenses', () => {
  // Both sections of the one file are sources (the project one and the user one).
  const both = mapServers(sources.filter((s) => s.file === `${HOME}/.claude.json`).map((s) => ({ source: s, value: parseJsonc(CLAUDE_JSON) })), { env: {}, home: HOME }).servers;
  assert.equal(both.length, 3);
  assert.deepEqual(keysAt(CLAUDE_JSON, serverLenses(CLAUDE_JSON, `${HOME}/.claude.json`, both)), [['shared', 'shared'], ['local-api', 'local-api']]);
});

test('unsaved edits: a renamed key loses its lens until discovery re-reads the file; keys before a syntax error keep theirs', () => {
  const servers = mapped([['.vscode/mcp.json', VSCODE_MCP_JSON]]);
  const file = source('.vscode/mcp.json').file;
  assert.deepEqual(serverLenses(VSCODE_MCP_JSON.replace('"legacy"', '"renamed"'), file, servers).map((l) => l.name), ['github', 'weird']);
  assert.deepEqual(serverLenses(VSCODE_MCP_JSON.replace('"fs":', '"fs": ,'), file, servers).map((l) => l.name), ['github', 'legacy']);
});

test('lens text: state and stream age, drops in the last hour, each finding in a few words', () => {
  const idle = finding('intermediary-idle-timeout', { estimateMs: 100_000, match: 'Cloudflare' });
  assert.equal(statusLensText(status('open', { openedAt: NOW - 3 * 3_600_000, findings: [idle] }), 2, NOW), 'open 3 h · 2 drops/h · dies after 100 s idle (Cloudflare)');
  assert.equal(statusLensText(status('open', { openedAt: NOW - 65_000 }), 1, NOW), 'open 65 s · 1 drop/h');
  assert.equal(statusLensText(status('open', { openedAt: NOW - 1000 }), 0, NOW), 'open 1 s');
  assert.equal(statusLensText(status('backoff', { attempt: 3 }), 4, NOW), 'reconnecting · 4 drops/h');
  assert.equal(statusLensText(status('connecting', { attempt: 1 }), 0, NOW), 'connecting');
  assert.equal(statusLensText(status('failed'), 0, NOW), 'failed');
  assert.equal(statusLensText(status('paused'), 0, NOW), 'paused');
});

test('finding phrases name the estimate and the intermediary when known', () => {
  assert.equal(findingPhrase(finding('intermediary-idle-timeout', { estimateMs: 60_000 })), 'dies after 60 s idle');
  assert.equal(findingPhrase(finding('stream-lifetime-limit', { estimateMs: 3_600_000, match: 'AWS ALB' })), 'cut after 1 h open (AWS ALB)');
  assert.equal(findingPhrase(finding('no-server-heartbeat')), 'no server heartbeat');
  assert.equal(findingPhrase(finding('gateway-timeout', { match: 'nginx' })), 'gateway timeout (nginx)');
  assert.equal(findingPhrase(finding('silent-dead-connection')), 'goes silently dead');
  assert.equal(findingPhrase(finding('flapping')), 'flapping');
});
