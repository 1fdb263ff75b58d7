// Discovery over real-world-shaped files of every client: sources per home/workspace, kinds, names,
// merged URLs, secret mapping (inputs, env forms, literal tokens), skipped entries and invalid files.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { discover } from '../../../src/discovery/discover.ts';
import { formatProblem } from '../../../src/discovery/discover.ts';
import { missingSecrets } from '../../../src/discovery/mapping.ts';
import { discoverySecrets, discoverySecretValues, withDiscoverySecrets } from '../../../src/discovery/resolver.ts';
import { defaultVscodeUserDir, discoverySources } from '../../../src/discovery/sources.ts';
import { resolveConfigSecrets } from '../../../src/core/secrets.ts';
import * as F from './fixtures.ts';

const HOME = '/home/u';
const PROJ = '/home/u/proj';

function files(map: Record<string, string>) {
  return (file: string): string => {
    const text = map[file];
    if (text === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    return text;
  };
}

const ALL: Record<string, string> = {
  [`${PROJ}/.vscode/mcp.json`]: F.VSCODE_MCP_JSON,
  [`${PROJ}/.mcp.json`]: F.CLAUDE_MCP_JSON,
  [`${HOME}/.claude.json`]: F.CLAUDE_USER_JSON,
  [`${HOME}/.cursor/mcp.json`]: F.CURSOR_JSON,
  [`${HOME}/.codeium/windsurf/mcp_config.json`]: F.WINDSURF_JSON,
  [`${HOME}/.gemini/settings.json`]: F.GEMINI_JSON,
  [`${HOME}/.config/Code/User/settings.json`]: F.VSCODE_SETTINGS_LEGACY,
};
const sources = discoverySources({ home: HOME, platform: 'linux', workspaceFolders: [PROJ] });
const env = { API_KEY: 'env-Secret-api-key-42', LINEAR_KEY: 'lin_9f8e7d6c5b4a3' };
const run = (map = ALL, e: Record<string, string | undefined> = env, lastGood?: Map<string, unknown>) => discover(sources, { env: e, home: HOME }, files(map), lastGood);
const byName = (result: ReturnType<typeof run>, name: string) => {
  const server = result.servers.find((s) => s.name === name);
  assert.ok(server, `no server "${name}" in ${result.servers.map((s) => s.name).join(', ')}`);
  return server;
};

test('the VS Code user folder follows XDG_CONFIG_HOME on Linux and the platform elsewhere', () => {
  assert.equal(defaultVscodeUserDir({ home: HOME, platform: 'linux' }), '/home/u/.config/Code/User');
  assert.equal(defaultVscodeUserDir({ home: HOME, platform: 'linux', xdgConfigHome: '/x' }), '/x/Code/User');
  assert.equal(defaultVscodeUserDir({ home: HOME, platform: 'darwin' }), '/home/u/Library/Application Support/Code/User');
  const labels = discoverySources({ home: HOME, platform: 'linux', workspaceFolders: [PROJ], clients: ['cursor'] }).map((s) => `${s.scope}:${s.label}`);
  assert.deepEqual(labels, ['workspace:.cursor/mcp.json', 'user:~/.cursor/mcp.json']);
});

test('maps http/sse/httpUrl/serverUrl types to mcp and mcp-sse, with the file as source', () => {
  const result = run();
  assert.deepEqual(result.fileProblems, []);
  const github = byName(result, 'github');
  assert.equal(github.kind, 'mcp');
  assert.equal(github.status, 'ready');
  assert.equal(github.sources[0]!.label, '.vscode/mcp.json');
  assert.equal(byName(result, 'legacy').kind, 'mcp-sse');
  assert.equal(byName(result, 'streamable').kind, 'mcp'); // Gemini httpUrl
  assert.equal(byName(result, 'sse-untyped').kind, 'mcp-sse'); // Gemini url
  assert.equal(byName(result, 'typed').kind, 'mcp'); // Gemini url + type http
  assert.equal(byName(result, 'linear').kind, 'mcp'); // Cursor, untyped: Streamable HTTP first
  assert.equal(byName(result, 'settings-era').sources[0]!.label, '~/.config/Code/User/settings.json');
  assert.equal(byName(result, 'weird').url, 'https://x.example.com/mcp // not a comment inside a string');
});

test('the same URL in several files is one endpoint listing every source', () => {
  const result = run();
  const old = byName(result, 'old');
  assert.deepEqual(old.sources.map((s) => s.label), ['.mcp.json', '~/.codeium/windsurf/mcp_config.json']);
  assert.equal(result.servers.filter((s) => s.url?.startsWith('https://mcp.asana.com/sse')).length, 1);
  // github.com Copilot: .vscode/mcp.json and ~/.claude.json (trailing slash differs)
  assert.deepEqual(byName(result, 'github').sources.map((s) => s.label), ['.vscode/mcp.json', '~/.claude.json']);
});

test('a name clash across sources gets the source as suffix', () => {
  const result = run();
  const cursorGithub = byName(result, 'github (cursor)');
  assert.equal(cursorGithub.url, 'https://gh.cursor.example.com/mcp');
  assert.equal(new Set(result.servers.map((s) => s.name)).size, result.servers.length);
});

test('stdio, disabled and helper-only entries are listed with a reason, not connected', () => {
  const result = run();
  for (const name of ['fs', 'local', 'stdio']) {
    const s = byName(result, name);
    assert.equal(s.status, 'skipped');
    assert.match(s.reason!, /stdio server .*not a network stream/);
    assert.equal(s.config, undefined);
  }
  assert.equal(byName(result, 'off').reason, 'disabled in its source');
  assert.match(byName(result, 'helper').notes.join(), /headersHelper is never run/);
});

test('Claude local scope is read for the open folder only', () => {
  const result = run();
  assert.equal(byName(result, 'local-only').status, 'ready');
  assert.equal(result.servers.some((s) => s.name === 'not-this-one'), false);
});

test('${input:id} becomes a ${secret:} reference with the input description', () => {
  const github = byName(run(), 'github');
  assert.equal(github.config!.headers.Authorization, 'Bearer ${secret:mcp.input.api-token}');
  assert.deepEqual(github.secrets, [{ name: 'mcp.input.api-token', from: 'input', description: 'GitHub API token' }]);
  assert.deepEqual(missingSecrets(github, env, () => false).map((r) => r.name), ['mcp.input.api-token']);
  assert.deepEqual(missingSecrets(github, env, () => true), []);
});

test('env forms: URLs expand now (default used), headers keep a reference read at connect time', async () => {
  const result = run();
  const api = byName(result, 'api');
  assert.equal(api.url, 'https://api.example.com/mcp');
  assert.equal(api.config!.headers.Authorization, 'Bearer ${secret:env.API_KEY}');
  assert.equal(api.config!.headers['X-Team'], '${secret:env.TEAM}');
  assert.deepEqual(missingSecrets(api, env, () => false), []);
  assert.deepEqual(missingSecrets(api, {}, () => false).map((r) => r.envVar), ['API_KEY']);
  const withBase = run(ALL, { ...env, API_BASE_URL: 'https://staging.example.com' });
  assert.equal(byName(withBase, 'api').url, 'https://staging.example.com/mcp');

  const live: Record<string, string | undefined> = { ...env };
  const resolve = withDiscoverySecrets(() => undefined, live, discoverySecrets(result));
  let resolved = await resolveConfigSecrets(api.config!, resolve);
  assert.ok(resolved.ok);
  assert.equal(resolved.config.headers.Authorization, 'Bearer env-Secret-api-key-42');
  assert.equal(resolved.config.headers['X-Team'], 'platform');
  assert.ok(resolved.secrets.includes('env-Secret-api-key-42'));
  live.API_KEY = 'rotated-Secret-99';
  resolved = await resolveConfigSecrets(api.config!, resolve);
  assert.ok(resolved.ok && resolved.config.headers.Authorization === 'Bearer rotated-Secret-99');
  delete live.API_KEY;
  resolved = await resolveConfigSecrets(api.config!, resolve);
  assert.deepEqual(resolved, { ok: false, missing: 'env.API_KEY' });
  // Cursor ${env:X}; Gemini bare $X
  assert.equal(byName(result, 'linear').config!.headers['X-Api-Key'], '${secret:env.LINEAR_KEY}');
  assert.equal(byName(result, 'linear').config!.headers.Accept, 'text/event-stream');
  assert.equal(byName(result, 'streamable').config!.headers.Authorization, 'Bearer ${secret:env.NOT_EXPANDED}');
});

test('a URL needing an unset variable is skipped, naming the variable', () => {
  const map = { [`${PROJ}/.mcp.json`]: '{"mcpServers":{"x":{"type":"http","url":"${HOST}/mcp"}}}' };
  assert.equal(byName(run(map, {}), 'x').reason, 'its url needs HOST, which is not set');
});

test('a literal token is held in memory only: the config and server never carry it', async () => {
  const result = run();
  const gh = byName(result, 'github (cursor)');
  assert.equal(gh.config!.headers.Authorization, 'Bearer ${secret:mcp.literal.github.Authorization}');
  assert.doesNotMatch(JSON.stringify(result.servers), new RegExp(F.LITERAL_TOKEN));
  assert.equal(result.literals.get('mcp.literal.github.Authorization'), F.LITERAL_TOKEN);
  const resolved = await resolveConfigSecrets(gh.config!, withDiscoverySecrets(undefined, env, discoverySecrets(result)));
  assert.ok(resolved.ok);
  assert.equal(resolved.config.headers.Authorization, `Bearer ${F.LITERAL_TOKEN}`);
  assert.ok(resolved.secrets.includes(F.LITERAL_TOKEN));
  assert.ok(discoverySecretValues(env, result).includes(F.LITERAL_TOKEN));
  assert.ok(discoverySecretValues(env, result).includes('env-Secret-api-key-42'));
});

test('an invalid file is reported with file and line, and keeps its last good content', () => {
  const file = `${PROJ}/.vscode/mcp.json`;
  const lastGood = new Map<string, unknown>();
  const good = run({ [file]: F.VSCODE_MCP_JSON }, env, lastGood);
  assert.ok(good.servers.some((s) => s.name === 'github'));
  const bad = run({ [file]: F.INVALID_JSON }, env, lastGood);
  assert.equal(bad.fileProblems.length, 1);
  assert.equal(formatProblem(bad.fileProblems[0]!), '.vscode/mcp.json:4: not valid JSON (CommaExpected at column 5); still using its last valid content');
  assert.ok(bad.servers.some((s) => s.name === 'github'), 'last good list kept');
  const fresh = run({ [file]: F.INVALID_JSON }, env, new Map());
  assert.deepEqual(fresh.servers, []);
  assert.match(formatProblem(fresh.fileProblems[0]!), /^\.vscode\/mcp\.json:4: not valid JSON \(CommaExpected/);
  // Deleted: forgotten.
  assert.deepEqual(run({}, env, lastGood).servers, []);
  assert.equal(lastGood.has(file), false);
});

test('a wrong shape is a problem naming the file; entry defaults reach the config', () => {
  const map = { [`${HOME}/.cursor/mcp.json`]: '{"mcpServers": []}', [`${PROJ}/.mcp.json`]: '{"mcpServers":{"a":{"type":"http","url":"https://a.example.com/mcp"}}}' };
  const result = discover(sources, { env: {}, home: HOME, entryDefaults: { heartbeatSeconds: 5, idleTimeoutSeconds: 20 } }, files(map));
  assert.deepEqual(result.problems, ['~/.cursor/mcp.json: "mcpServers" must be an object of server name to server']);
  assert.equal(byName(result, 'a').config!.heartbeatSeconds, 5);
  assert.equal(byName(result, 'a').config!.idleTimeoutSeconds, 20);
});

test('credentials in a URL are refused like in our own settings', () => {
  const map = { [`${PROJ}/.mcp.json`]: '{"mcpServers":{"a":{"type":"http","url":"https://user:pw@a.example.com/mcp"}}}' };
  assert.match(byName(run(map), 'a').reason!, /^url: credentials in the URL are not allowed/);
});
