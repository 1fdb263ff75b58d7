/// <reference types="mocha" />
// In-extension-host API tests: run inside VS Code's extension host (code-server here, desktop VS Code
// through @vscode/test-cli) and drive the installed extension through the vscode API only: commands,
// settings, SecretStorage, the Stream Health view, the Problems panel and the dashboard serializer.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMAND_IDS } from '../../../src/extension/commands/ids.ts';
import type { StreamHealthTestApi } from '../../../src/extension/main.ts';
import { extensionApi, setUserEndpoints, startSseServer, waitFor, type SseServer } from './support.ts';

const FAST = { heartbeatSeconds: 2, idleTimeoutSeconds: 10, reconnect: { initialDelaySeconds: 0.05, maxDelaySeconds: 0.2, jitter: 0 } };

/** The endpoint's state, or why it has none (an invalid entry names its problem). */
function stateOf(api: StreamHealthTestApi, name: string): string | undefined {
  return api.manager.status().find((s) => s.name === name)?.state ?? api.manager.issues().map((i) => i.text).join('; ');
}

function ourDiagnostics(): [vscode.Uri, vscode.Diagnostic][] {
  return vscode.languages.getDiagnostics()
    .flatMap(([uri, list]) => list.filter((d) => d.source === 'Stream Health').map((d) => [uri, d] as [vscode.Uri, vscode.Diagnostic]));
}

describe('Stream Health in the extension host', function () {
  this.timeout(60_000);
  let api: StreamHealthTestApi;
  let sse: SseServer;

  before(async () => {
    api = await extensionApi();
    sse = await startSseServer();
  });

  after(async () => {
    await setUserEndpoints(undefined);
    await sse.close();
  });

  it('registers every command the manifest contributes', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    const missing = COMMAND_IDS.filter((id) => !all.has(id));
    assert.deepEqual(missing, []);
  });

  it('a settings change restarts only the endpoint that changed', async () => {
    await setUserEndpoints([
      { name: 'a', kind: 'sse', url: sse.url('/beat/a'), ...FAST },
      { name: 'b', kind: 'sse', url: sse.url('/beat/b'), ...FAST },
    ]);
    await waitFor('a and b open', () => [stateOf(api, 'a'), stateOf(api, 'b')], (s) => s[0] === 'open' && s[1] === 'open');
    const before = { a: sse.connects.get('/beat/a'), b: sse.connects.get('/beat/b') };
    await setUserEndpoints([
      { name: 'a', kind: 'sse', url: sse.url('/beat/a'), ...FAST },
      { name: 'b', kind: 'sse', url: sse.url('/beat/b'), ...FAST, idleTimeoutSeconds: 12 },
    ]);
    await waitFor('b reconnected', () => sse.connects.get('/beat/b'), (n) => n === before.b! + 1);
    await waitFor('b open again', () => stateOf(api, 'b'), (s) => s === 'open');
    assert.equal(sse.connects.get('/beat/a'), before.a, 'a kept its stream');
  });

  it('the view lists one row per endpoint with its state and live age; commands take a row', async () => {
    const rows = api.view.getChildren();
    assert.deepEqual(rows.map((r) => r.endpoint).sort(), ['a', 'b']);
    const item = api.view.getTreeItem(rows.find((r) => r.endpoint === 'a')!);
    assert.equal(item.contextValue, 'endpoint-open');
    assert.match(String(item.description), /^open /);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'pass');
    // An inline action passes the row itself.
    assert.equal(await vscode.commands.executeCommand('streamHealth.pause', rows.find((r) => r.endpoint === 'a')), 'a');
    await waitFor('a paused', () => stateOf(api, 'a'), (s) => s === 'paused');
    assert.equal(api.view.getTreeItem(api.view.getChildren().find((r) => r.endpoint === 'a')!).contextValue, 'endpoint-paused');
    assert.equal(await vscode.commands.executeCommand('streamHealth.resume', 'a'), 'a');
    await waitFor('a open again', () => stateOf(api, 'a'), (s) => s === 'open');
  });

  it('a missing secret fails the endpoint with an error in the Problems panel; storing it reconnects and clears it', async () => {
    await vscode.commands.executeCommand('streamHealth.clearHeaderSecret', 'tok');
    await setUserEndpoints([{ name: 'auth', kind: 'sse', url: sse.url('/auth/x'), headers: { Authorization: 'Bearer ${secret:tok}' }, ...FAST }]);
    await waitFor('auth failed', () => stateOf(api, 'auth'), (s) => s === 'failed');
    const [uri, diagnostic] = (await waitFor('an error diagnostic', ourDiagnostics, (d) => d.some(([, x]) => x.severity === vscode.DiagnosticSeverity.Error)))
      .find(([, x]) => x.severity === vscode.DiagnosticSeverity.Error)!;
    assert.match(uri.path, /\/User\/settings\.json$/, 'anchored in the user settings file');
    assert.equal(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code, 'failed');
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const lines = text.split('\n');
    assert.match(lines[diagnostic.range.start.line]!, /"name": "auth"/, 'on the entry that defines the endpoint');
    // The view's badge counts it as down.
    await waitFor('the badge counting it', () => api.view.view.badge?.value, (v) => v === 1);

    // SecretStorage round trip: stored through the command, sent as the header, never in settings.
    assert.equal(await vscode.commands.executeCommand('streamHealth.setHeaderSecret', 'tok', 's3cret'), true);
    await vscode.commands.executeCommand('streamHealth.reconnect', 'auth');
    await waitFor('auth open', () => stateOf(api, 'auth'), (s) => s === 'open');
    assert.equal(sse.authorization.get('/auth/x'), 'Bearer s3cret');
    assert.doesNotMatch(JSON.stringify(vscode.workspace.getConfiguration('streamHealth').inspect('endpoints')), /s3cret/);
    await waitFor('the error cleared', ourDiagnostics, (d) => d.length === 0);
    await waitFor('the badge gone', () => api.view.view.badge, (v) => v === undefined);
    assert.equal(await vscode.commands.executeCommand('streamHealth.clearHeaderSecret', 'tok'), true);
  });

  it('an idle-timeout finding is a warning with quick fixes; Set heartbeatSeconds edits the entry; removing the endpoint clears it', async () => {
    await setUserEndpoints([{ name: 'cut', kind: 'sse', url: sse.url('/cut/x'), ...FAST }]);
    const found = await waitFor('the idle-timeout warning', ourDiagnostics, (d) => d.some(([, x]) => codeOf(x) === 'intermediary-idle-timeout'), 40_000);
    const [uri, diagnostic] = found.find(([, x]) => codeOf(x) === 'intermediary-idle-timeout')!;
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(diagnostic.message, /^cut: /);
    const target = typeof diagnostic.code === 'object' ? diagnostic.code.target : undefined;
    assert.match(String(target?.path), /\/docs\/findings\.md$/, 'the code links to the findings docs');
    assert.match(String(target?.fragment), /^L\d+$/);

    // Code actions are asked of an open document, as the editor's light bulb does.
    await vscode.workspace.openTextDocument(uri);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range);
    const titles = actions.map((a) => a.title);
    for (const title of ['Copy Fix', 'Measure Idle Timeout', 'Open Dashboard']) assert.ok(titles.includes(title), `${title} in ${titles.join(', ')}`);
    const setHeartbeat = actions.find((a) => a.title.startsWith('Set heartbeatSeconds to '));
    assert.ok(setHeartbeat, `a Set heartbeatSeconds action in ${titles.join(', ')}`);

    const fix = await vscode.commands.executeCommand<string>('streamHealth.copyFix', 'cut', 'intermediary-idle-timeout');
    assert.match(fix, /heartbeat/i);

    const [name, seconds] = setHeartbeat.command!.arguments as [string, number];
    assert.equal(await vscode.commands.executeCommand(setHeartbeat.command!.command, name, seconds), seconds);
    const saved = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    assert.match(saved, new RegExp(`"heartbeatSeconds": ${seconds}\\b`), `the file has the new value:\n${saved}`);
    await waitFor('the entry edited', () => (vscode.workspace.getConfiguration('streamHealth').inspect<{ heartbeatSeconds?: number }[]>('endpoints')?.globalValue ?? [])[0]?.heartbeatSeconds, (v) => v === seconds);

    // The view shows the finding and the drops under the endpoint.
    const row = api.view.getChildren().find((r) => r.endpoint === 'cut')!;
    const children = api.view.getChildren(row).map((c) => c.type);
    assert.ok(children.includes('drop'), children.join(','));

    await setUserEndpoints([]);
    await waitFor('the endpoint gone from the view', () => api.view.getChildren().length, (n) => n === 0);
    await waitFor('the warning cleared with the endpoint', ourDiagnostics, (d) => d.length === 0);
  });

  it('CodeLens in .vscode/mcp.json: Monitor this server, then its status; a failure is anchored on the server key', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the suite runs with a workspace folder');
    const uri = vscode.Uri.joinPath(folder.uri, '.vscode', 'mcp.json');
    // 401 without a sign-in: the endpoint fails (cause auth), which the Problems panel shows.
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(`// written by the in-host suite
{
  "servers": {
    "local-tool": { "type": "stdio", "command": "node" },
    "lens-mcp": { "type": "sse", "url": "${sse.url('/auth/lens')}" },
  },
}
`));
    try {
      await vscode.workspace.openTextDocument(uri);
      const lenses = async () => (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
      const titles = (list: readonly vscode.CodeLens[]) => list.map((l) => l.command?.title ?? '');
      const offered = await waitFor('the Monitor lens', lenses, (l) => titles(l).includes('Stream Health: Monitor this server'));
      assert.equal(offered.length, 1, `one lens (none on the stdio entry): ${titles(offered).join(' | ')}`);
      const lines = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)).split('\n');
      assert.match(lines[offered[0]!.range.start.line]!, /"lens-mcp"/, 'above the server key');

      const monitor = offered[0]!.command!;
      await vscode.commands.executeCommand(monitor.command, ...(monitor.arguments ?? []));
      await waitFor('lens-mcp failed', () => stateOf(api, 'lens-mcp'), (s) => s === 'failed');
      await waitFor('the status lens', lenses, (l) => titles(l).some((t) => t.startsWith('Stream Health: failed')));

      const [where, diagnostic] = (await waitFor('the failure in the Problems panel', ourDiagnostics, (d) => d.some(([u]) => u.path === uri.path)))
        .find(([u]) => u.path === uri.path)!;
      assert.match(lines[diagnostic.range.start.line]!, /"lens-mcp"/, 'on the server key');
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', where, diagnostic.range);
      assert.ok(!actions.some((a) => a.title.startsWith('Set heartbeatSeconds')), 'no settings edit in another client\'s file');
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
    await waitFor('lens-mcp gone with its file', () => api.manager.status().some((s) => s.name === 'lens-mcp'), (present) => !present);
    await waitFor('its diagnostic cleared', ourDiagnostics, (d) => !d.some(([u]) => u.path === uri.path));
  });

  it('the dashboard serializer revives a panel of our view type', async () => {
    const panel = vscode.window.createWebviewPanel('streamHealth.dashboard', 'Stream Health', vscode.ViewColumn.Active, { enableScripts: true });
    await api.dashboard.deserializeWebviewPanel(panel, undefined);
    assert.match(panel.webview.html, /Content-Security-Policy/);
    assert.match(panel.webview.html, /dashboard\.js/);
    panel.dispose();
  });
});

function codeOf(d: vscode.Diagnostic): unknown {
  return typeof d.code === 'object' ? d.code.value : d.code;
}
