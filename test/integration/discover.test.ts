// The built CLI's `discover` and `watch --discover` with a temporary HOME, XDG_CONFIG_HOME and workspace
// holding VS Code, Claude Code, Cursor and Gemini files, against the lab's real MCP servers (SDK v1
// Streamable HTTP, v2, 2024 HTTP+SSE) behind nginx: each opens, the silent one gets the idle-timeout
// finding, and no planted secret (input, env form or literal token) appears in any output.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import { startLab } from '../../src/lab/main.ts';
import type { RunningLab } from '../../src/lab/main.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli.cjs');
const INPUT_SECRET = 'planted-Input-4b1d9e';
const ENV_SECRET = 'planted-Env-77c0aa';
const LITERAL_SECRET = 'planted-Literal-e5f6a7b8c9';
const PROXY_IDLE_S = 2;
const WATCH_S = 24;
const RUN_LIMIT_MS = 60_000;

let lab: RunningLab;
let privateServer: http.Server;
let dir = '';
let home = '';
let workspace = '';
let env: Record<string, string> = {};
const urls: Record<string, string> = {};

before(async () => {
  await esbuild.build({
    entryPoints: [join(ROOT, 'src/cli/main.ts')], outfile: CLI, bundle: true, platform: 'node', format: 'cjs', target: 'node22',
    external: ['vscode', 'bufferutil', 'utf-8-validate'], banner: { js: '#!/usr/bin/env node' }, logLevel: 'error', sourcemap: 'linked',
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  });
  lab = await startLab({
    proxy: 'nginx', proxyIdleSeconds: PROXY_IDLE_S, heartbeatMs: 500, freezeEverySeconds: 0,
    exclude: ['sse-heartbeat', 'sse-silent', 'websocket-ping', 'grpc-keepalive', 'grpc-silent', 'freezer'],
  });
  assert.equal(lab.proxy.kind, 'nginx', 'nginx is required: run bash scripts/setup.sh');
  for (const e of lab.endpoints) urls[e.name] = e.url;
  // A server that only accepts the literal token and then echoes it back in its error page (a careless
  // server): a 403 in the output proves the token was sent, and the output must still not show it.
  privateServer = http.createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${LITERAL_SECRET}`) res.writeHead(401, { 'content-type': 'text/plain' }).end('no');
    else res.writeHead(403, { 'content-type': 'text/html' }).end(`<html>forbidden for ${req.headers.authorization}</html>`);
  });
  await new Promise<void>((resolve) => privateServer.listen(0, '127.0.0.1', resolve));
  urls.private = `http://127.0.0.1:${(privateServer.address() as AddressInfo).port}/mcp`;

  dir = mkdtempSync(join(tmpdir(), 'sh-discover-'));
  home = join(dir, 'home');
  workspace = join(dir, 'project');
  const xdg = join(dir, 'xdg');
  const write = (file: string, text: string) => {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
  };
  write(join(workspace, '.vscode/mcp.json'), `// the team's servers
{
  "inputs": [{ "type": "promptString", "id": "lab-token", "description": "Lab API token", "password": true }],
  "servers": {
    "v1-streamable": { "type": "http", "url": "${urls['mcp-v1-streamable']}", "headers": { "Authorization": "Bearer \${input:lab-token}" } },
    "fs": { "type": "stdio", "command": "npx", "args": ["-y", "server-filesystem"] },
  },
}
`);
  write(join(workspace, '.mcp.json'), JSON.stringify({
    mcpServers: {
      'v1-sse': { type: 'sse', url: urls['mcp-v1-sse'], headers: { Authorization: 'Bearer ${LAB_KEY:-unused-default}' } },
      local: { command: 'node', args: ['server.js'] },
    },
  }));
  write(join(home, '.cursor/mcp.json'), `{
  "mcpServers": {
    "v2": { "url": "${urls['mcp-v2']}", "headers": { "X-Api-Key": "\${env:LAB_KEY}" } },
    "private": { "url": "${urls.private}", "headers": { "Authorization": "Bearer ${LITERAL_SECRET}" } }, // trailing comma
  }
}
`);
  // The same URL again, in the user's VS Code mcp.json under XDG_CONFIG_HOME: one endpoint, two sources.
  write(join(xdg, 'Code/User/mcp.json'), JSON.stringify({ servers: { again: { type: 'http', url: urls['mcp-v1-streamable'] } } }));
  write(join(home, '.gemini/settings.json'), '{\n  "mcpServers": {\n    "broken": { "httpUrl": "x" }\n    "no-comma": {}\n  }\n}\n');
  env = { HOME: home, XDG_CONFIG_HOME: xdg, STREAM_HEALTH_SECRET_MCP_INPUT_LAB_TOKEN: INPUT_SECRET, LAB_KEY: ENV_SECRET };
});

after(async () => {
  await lab?.stop();
  await new Promise((resolve) => privateServer?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    // Only what the run needs: the test's own HOME must not leak into the discovery.
    const childEnv = { PATH: process.env.PATH ?? '', ...env, ...extraEnv };
    const child = spawn(process.execPath, [CLI, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

const parseNdjson = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

function assertNoSecret(output: string, where: string): void {
  for (const secret of [INPUT_SECRET, ENV_SECRET, LITERAL_SECRET]) assert.ok(!output.includes(secret), `${where}: a planted secret leaked: ${output}`);
}

test('discover --json lists every server with kind, sources and status, never a header value', async () => {
  const r = await run(['discover', '--workspace', workspace, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assertNoSecret(r.stdout + r.stderr, 'discover --json');
  const rows = parseNdjson(r.stdout);
  const by = Object.fromEntries(rows.map((row) => [row.name as string, row]));
  assert.deepEqual(Object.keys(by).sort(), ['fs', 'local', 'private', 'v1-sse', 'v1-streamable', 'v2']);
  assert.deepEqual(by['v1-streamable']!.sources, [join(workspace, '.vscode/mcp.json'), join(dir, 'xdg/Code/User/mcp.json')]);
  assert.equal(by['v1-streamable']!.kind, 'mcp');
  assert.equal(by['v1-sse']!.kind, 'mcp-sse');
  assert.equal(by.v2!.kind, 'mcp');
  for (const name of ['v1-streamable', 'v1-sse', 'v2', 'private']) assert.equal(by[name]!.status, 'ready', name);
  assert.equal(by.fs!.status, 'skipped');
  assert.match(by.local!.reason as string, /not a network stream/);
  assert.match(r.stderr, /warning: ~\/\.gemini\/settings\.json:4: not valid JSON \(CommaExpected/);

  // Without the input's value it needs a secret, and says which variable supplies it.
  const missing = await run(['discover', '--workspace', workspace], { STREAM_HEALTH_SECRET_MCP_INPUT_LAB_TOKEN: '' });
  assert.equal(missing.code, 0, missing.stderr);
  assert.match(missing.stdout, /v1-streamable\s+mcp\s+needs-secret/);
  assert.match(missing.stdout, /set STREAM_HEALTH_SECRET_MCP_INPUT_LAB_TOKEN \(Lab API token\)/);
  assertNoSecret(missing.stdout + missing.stderr, 'discover');
});

test('watch --discover: each lab server opens through nginx, the silent one gets the idle-timeout finding, no secret leaks', async () => {
  const json = await run(['watch', '--discover', '--workspace', workspace, '--duration', String(WATCH_S), '--json']);
  assert.equal(json.code, 0, json.stderr);
  assertNoSecret(json.stdout + json.stderr, 'watch --discover --json');
  const events = parseNdjson(json.stdout);
  for (const name of ['v1-streamable', 'v1-sse', 'v2']) {
    assert.ok(events.some((e) => e.endpoint === name && e.event === 'open'), `${name} opened: ${json.stdout.slice(0, 2000)}`);
  }
  const idle = events.find((e) => e.endpoint === 'v1-streamable' && e.event === 'diagnosis' && e.finding === 'intermediary-idle-timeout');
  assert.ok(idle, `idle-timeout finding for v1-streamable: ${events.filter((e) => e.event === 'drop' || e.event === 'diagnosis').map((e) => JSON.stringify(e)).join('\n')}`);
  // nginx's proxy_read_timeout of the lab, not its 60 s default (which would name nginx).
  assert.ok((idle.estimateMs as number) > 1500 && (idle.estimateMs as number) < 3000, `estimate ${idle.estimateMs}`);
  for (const name of ['v1-sse', 'v2']) assert.ok(!events.some((e) => e.endpoint === name && e.event === 'drop'), `${name} heartbeats and stays up`);
  // The literal token was sent (the server answers 403 only to it) and its echo is redacted.
  const denied = events.find((e) => e.endpoint === 'private' && e.event === 'error');
  assert.ok(denied && denied.httpStatus === 403, `private got 403: ${JSON.stringify(events.filter((e) => e.endpoint === 'private'))}`);
  assert.match(json.stderr, /fs: not watched \(skipped: stdio server/);
});

test('watch --discover in plain mode shows the same findings without secrets; nothing ready exits 2', async () => {
  const plain = await run(['watch', '--discover', '--workspace', workspace, '--duration', '4', '--verbose']);
  assert.equal(plain.code, 0, plain.stderr);
  assertNoSecret(plain.stdout + plain.stderr, 'watch --discover');
  assert.match(plain.stdout, /v2 .*open/i);
  const empty = mkdtempSync(join(tmpdir(), 'sh-discover-empty-'));
  try {
    const none = await run(['watch', '--discover', '--workspace', empty], { HOME: empty, XDG_CONFIG_HOME: empty });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /discovered MCP servers:\n {2}none found; run "stream-health discover"/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
