// OAuth sign-in against a real SDK-protected MCP server (support/oauthMcpServer.ts: the SDK's auth
// router, bearer middleware and protected-resource metadata): the challenge becomes `auth` (needs
// sign-in) with no retry storm; the built CLI's `login` is driven by following the URL it prints;
// `watch` then monitors the GET stream with the stored token, refreshes an expired one on its own,
// and returns to needs-sign-in when the refresh token is revoked; bad inputs give clear errors.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import { needsSignIn } from '../../src/core/model.ts';
import { createTransport } from '../../src/transports/index.ts';
import { networkFetch } from '../../src/transports/http/networkFetch.ts';
import { AuthFlowError, discoverResource, signIn } from '../../src/transports/oauth/flow.ts';
import { startLoopbackRedirect } from '../../src/transports/oauth/loopback.ts';
import { startOAuthMcpServer } from './support/oauthMcpServer.ts';
import type { OAuthMcpServer } from './support/oauthMcpServer.ts';
import { endpoint, runMonitor, sleep } from './support/monitorHarness.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli.cjs');
const RUN_LIMIT_MS = 30_000;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI; `onStderr` sees stderr as it arrives (to follow the printed sign-in URL). */
function cli(args: string[], env: NodeJS.ProcessEnv, onStderr?: (text: string) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env, DISPLAY: '', WAYLAND_DISPLAY: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      onStderr?.(stderr);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI ${args.join(' ')} still running after ${RUN_LIMIT_MS} ms; stderr: ${stderr}`));
    }, RUN_LIMIT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Plays the user's browser: GET the authorization URL (the AS approves at once), follow its redirect to our loopback. */
async function followSignIn(authorizationUrl: string): Promise<string> {
  const approve = await fetch(authorizationUrl, { redirect: 'manual' });
  assert.equal(approve.status, 302, 'the authorization server redirects back');
  const callback = await fetch(approve.headers.get('location')!);
  return `${callback.status} ${await callback.text()}`;
}

/** `login` with the test as the browser; resolves with the run and what the loopback page said. */
async function login(url: string, env: NodeJS.ProcessEnv): Promise<{ run: Run; page: string }> {
  let followed: Promise<string> | undefined;
  const run = await cli(['login', '--url', url, '--no-browser'], env, (stderr) => {
    const match = /Open this URL to sign in: (\S+)\n/.exec(stderr);
    if (match && !followed) followed = followSignIn(match[1]!);
  });
  assert.ok(followed, `login printed no URL; stderr: ${run.stderr}`);
  return { run, page: await followed };
}

const signInFile = (xdg: string) => join(xdg, 'stream-health', 'oauth.json');

before(async () => {
  // The shipped CLI bundle's options (esbuild.mjs), so the SDK's client/auth is proven to bundle.
  await esbuild.build({
    entryPoints: [join(ROOT, 'src/cli/main.ts')], outfile: CLI, bundle: true, platform: 'node', format: 'cjs', target: 'node22',
    external: ['vscode', 'bufferutil', 'utf-8-validate'], alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
    banner: { js: '#!/usr/bin/env node' }, logLevel: 'error', sourcemap: 'linked',
  });
});

describe('oauth: the challenge', () => {
  test('a 401 Bearer challenge is cause auth naming the authorization server and scopes, not retried', async (t) => {
    const server = await startOAuthMcpServer({ scopes: ['mcp:read', 'mcp:write'] });
    t.after(() => server.close());
    const run = runMonitor([endpoint({ name: 'locked', kind: 'mcp', url: server.url, heartbeatSeconds: 0, idleTimeoutSeconds: 0, reconnect: { initialDelaySeconds: 0.05 } })], createTransport);
    t.after(() => run.stop());
    const error = await run.log.waitFor((e) => e.event === 'error');
    assert.ok(error.event === 'error');
    assert.equal(error.cause, 'auth');
    assert.equal(error.httpStatus, 401);
    assert.match(error.message, new RegExp(`^sign in required: \\S+ answered 401 invalid_token \\(authorization server ${escape(server.issuer)}, scopes "mcp:read mcp:write"\\)$`));
    // Long enough for a dozen retries at the 50 ms initial delay, had there been any.
    await sleep(800);
    const status = run.monitor.status()[0]!;
    assert.equal(status.state, 'failed');
    assert.ok(needsSignIn(status));
    assert.match(status.reason ?? '', /not retried until you sign in/);
    assert.equal(run.log.of('connecting').length, 1, 'one attempt, no retry storm');
    assert.equal(server.stats.unauthorized, 1);
  });

  test('"auth": "none" keeps a Bearer challenge a plain http-status failure', async (t) => {
    const server = await startOAuthMcpServer();
    t.after(() => server.close());
    const run = runMonitor([endpoint({ name: 'off', kind: 'mcp', url: server.url, heartbeatSeconds: 0, idleTimeoutSeconds: 0, auth: 'none' })], createTransport);
    t.after(() => run.stop());
    const error = await run.log.waitFor((e) => e.event === 'error');
    assert.ok(error.event === 'error');
    assert.equal(error.cause, 'http-status');
    assert.match(error.message, /answered HTTP 401.*check the endpoint headers/);
  });

  test('other 401s (no Bearer challenge) stay an http-status failure asking to check the credentials', async (t) => {
    const plain = http.createServer((_req, res) => res.writeHead(401, { 'www-authenticate': 'Basic realm="x"', 'content-type': 'text/plain' }).end('no'));
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    t.after(() => plain.close());
    const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/mcp`;
    const run = runMonitor([endpoint({ name: 'basic', kind: 'mcp', url, heartbeatSeconds: 0, idleTimeoutSeconds: 0 })], createTransport);
    t.after(() => run.stop());
    const error = await run.log.waitFor((e) => e.event === 'error');
    assert.ok(error.event === 'error');
    assert.equal(error.cause, 'http-status');
    assert.match(error.message, /check the endpoint headers \(credentials\)/);
    assert.equal(needsSignIn(run.monitor.status()[0]!), false);
  });
});

describe('oauth: CLI login, watch, refresh, revoke, logout', () => {
  let server: OAuthMcpServer;
  let xdg = '';
  before(async () => {
    server = await startOAuthMcpServer({ scopes: ['mcp:read'] });
    xdg = mkdtempSync(join(tmpdir(), 'sh-oauth-'));
  });
  after(async () => {
    await server.close();
    rmSync(xdg, { recursive: true, force: true });
  });
  const env = () => ({ XDG_CONFIG_HOME: xdg });
  const watch = () => cli(['watch', '--url', server.url, '--kind', 'mcp', '--json', '--duration', '2', '--heartbeat', '0'], env());
  const events = (run: Run) => run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const assertNoToken = (run: Run) => {
    for (const secret of server.issuedSecrets) {
      assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), 'no token in the output');
    }
  };

  test('watch before login: needs sign-in, exit 1 with the login command named', async () => {
    const run = await watch();
    assert.equal(run.code, 1);
    const error = events(run).find((e) => e.event === 'error');
    assert.equal(error?.cause, 'auth');
    assert.match(run.stderr, new RegExp(`run: stream-health login --url ${escape(server.url)}`));
  });

  test('login follows the printed URL, stores the tokens 0600, and watch then monitors the GET stream', async () => {
    const { run, page } = await login(server.url, env());
    assert.equal(run.code, 0, run.stderr);
    assert.match(page, /^200 .*signed in/is);
    assert.match(run.stderr, new RegExp(`signed in to ${escape(server.url)} \\(authorization server ${escape(server.issuer)}, scopes "mcp:read"`));
    assert.equal(statSync(signInFile(xdg)).mode & 0o777, 0o600);
    assert.equal(statSync(join(xdg, 'stream-health')).mode & 0o777, 0o700);
    assert.equal(server.stats.registrations, 1, 'dynamic client registration');
    assertNoToken(run);
    const streamsBefore = server.stats.getStreams;
    const watched = await watch();
    assert.equal(watched.code, 0, watched.stderr);
    const open = events(watched).find((e) => e.event === 'open');
    assert.match(String(open?.detail), /^MCP 2025-11-25, HTTP\/1\.1, GET stream$/);
    assert.ok(server.stats.getStreams > streamsBefore, 'the GET stream was opened with the token');
    assertNoToken(watched);
  });

  test('probe-idle uses the stored sign-in too', async () => {
    const run = await cli(['probe-idle', '--url', server.url, '--kind', 'mcp', '--max', '1.5', '--json'], env());
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { event: string; survived: boolean };
    assert.equal(result.event, 'probe-idle');
    assert.equal(result.survived, true, run.stdout);
    assertNoToken(run);
  });

  test('an access token the server no longer accepts is refreshed inside the attempt: no error, no user action', async () => {
    server.expireAccessTokens();
    const refreshes = server.stats.refreshGrants;
    const run = await watch();
    assert.equal(run.code, 0, run.stderr);
    const names = events(run).map((e) => e.event);
    assert.ok(!names.includes('error'), `no error event: ${names.join(', ')}`);
    assert.ok(names.includes('open'));
    assert.equal(server.stats.refreshGrants, refreshes + 1);
    assertNoToken(run);
  });

  test('a token the file says is expired is refreshed before connecting', async () => {
    const file = JSON.parse(readFileSync(signInFile(xdg), 'utf8'));
    for (const record of Object.values(file.signIns) as Array<{ expiresAt: number }>) record.expiresAt = Date.now() - 1000;
    writeFileSync(signInFile(xdg), JSON.stringify(file));
    const unauthorized = server.stats.unauthorized;
    const refreshes = server.stats.refreshGrants;
    const run = await watch();
    assert.equal(run.code, 0, run.stderr);
    assert.equal(server.stats.refreshGrants, refreshes + 1);
    assert.equal(server.stats.unauthorized, unauthorized, 'the stale token was never sent');
  });

  test('a revoked refresh token returns to needs-sign-in', async () => {
    server.expireAccessTokens();
    server.revokeRefreshTokens();
    const run = await watch();
    assert.equal(run.code, 1);
    const error = events(run).find((e) => e.event === 'error');
    assert.equal(error?.cause, 'auth');
    assert.match(String(error?.message), /^sign in required: refreshing the sign-in at http:\/\/127\.0\.0\.1:\d+\/ \(sign in again if it keeps failing\): invalid_grant: refresh token revoked or unknown$/);
    assert.equal(events(run).filter((e) => e.event === 'connecting').length, 1, 'not retried');
    assertNoToken(run);
  });

  test('logout removes the sign-in', async () => {
    const run = await cli(['logout', '--url', server.url], env());
    assert.equal(run.code, 0);
    assert.match(run.stderr, /signed out of/);
    assert.deepEqual(JSON.parse(readFileSync(signInFile(xdg), 'utf8')).signIns, {});
    const again = await cli(['logout', '--url', server.url], env());
    assert.match(again.stderr, /not signed in/);
  });
});

describe('oauth: a short-lived token is refreshed while the stream stays open', () => {
  test('2 s tokens, pings every second, 6 s of watching: one open, no drop, several refreshes', async (t) => {
    const server = await startOAuthMcpServer({ accessTokenSeconds: 2 });
    t.after(() => server.close());
    const xdg = mkdtempSync(join(tmpdir(), 'sh-oauth-short-'));
    t.after(() => rmSync(xdg, { recursive: true, force: true }));
    const { run: signedIn } = await login(server.url, { XDG_CONFIG_HOME: xdg });
    assert.equal(signedIn.code, 0, signedIn.stderr);
    const grants = server.stats.refreshGrants;
    // The watchdog is off: the GET stream is silent, the pings are what would fail on an expired token.
    const run = await cli(['watch', '--url', server.url, '--kind', 'mcp', '--json', '--duration', '6', '--heartbeat', '1', '--idle-timeout', '0'], { XDG_CONFIG_HOME: xdg });
    assert.equal(run.code, 0, run.stderr);
    const names = run.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { event: string }).event);
    assert.equal(names.filter((n) => n === 'open').length, 1, names.join(', '));
    assert.ok(!names.includes('drop') && !names.includes('error'), names.join(', '));
    assert.ok(names.filter((n) => n === 'heartbeat').length >= 4, 'pings kept being answered');
    assert.ok(server.stats.refreshGrants - grants >= 4, `refreshed ${server.stats.refreshGrants - grants} times`);
    assert.equal(server.stats.unauthorized, 1, 'only login\'s unauthenticated initialize was refused');
    for (const secret of server.issuedSecrets) assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret));
  });
});

describe('oauth: bad input gives a clear error naming the step', () => {
  /** A server whose 401 and metadata answers the test chooses. */
  async function fakeServer(routes: Record<string, (res: http.ServerResponse, origin: string) => void>) {
    const server = http.createServer((req, res) => {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const path = new URL(req.url ?? '/', origin).pathname;
      (routes[path] ?? ((r) => r.writeHead(404).end()))(res, origin);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url: `${origin}/mcp`, origin, close: () => new Promise<void>((r) => server.close(() => r())) };
  }
  const config = (url: string) => endpoint({ name: 'bad', kind: 'mcp', url });
  const discover = async (url: string, challenge: Parameters<typeof discoverResource>[1]) => {
    const owned = networkFetch(config(url));
    try {
      return await discoverResource(url, challenge, owned.fetch);
    } finally {
      owned.close();
    }
  };

  test('metadata missing, not JSON, or on another origin', async (t) => {
    const server = await fakeServer({
      '/not-json': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'),
    });
    t.after(() => server.close());
    await assert.rejects(discover(server.url, undefined), (e: AuthFlowError) => e.step === 'resource-metadata' && /does not implement OAuth 2\.0 Protected Resource Metadata/.test(e.message) && e.message.includes('well-known discovery'));
    await assert.rejects(discover(server.url, { resourceMetadataUrl: `${server.origin}/not-json` }), (e: AuthFlowError) => e.step === 'resource-metadata' && /protected-resource metadata/.test(e.message) && /JSON/i.test(e.message));
    await assert.rejects(discover(server.url, { resourceMetadataUrl: 'http://127.0.0.2:1/.well-known/oauth-protected-resource' }), (e: AuthFlowError) => e.step === 'resource-metadata' && /on another origin than http:\/\/127\.0\.0\.1:\d+; refusing to follow it/.test(e.message));
    await assert.rejects(discover(server.url, { resourceMetadataUrl: `${server.origin.replace(/:\d+$/, ':1')}/x` }), /another origin/);
  });

  test('an authorization server that refuses registration', async (t) => {
    const server = await startOAuthMcpServer({ refuseRegistration: true });
    t.after(() => server.close());
    const redirect = await startLoopbackRedirect(5000);
    t.after(() => redirect.close());
    const owned = networkFetch(config(server.url));
    t.after(() => owned.close());
    await assert.rejects(
      signIn({ serverUrl: server.url, fetch: owned.fetch, browser: { ...redirect, open: () => assert.fail('no browser before registration') } }),
      (e: AuthFlowError) => e.step === 'registration' && e.message === `registering with ${server.issuer}: invalid_client_metadata: registration is closed`,
    );
  });

  test('a browser that comes back before open() returns is heard (code-server resolves openExternal late)', async (t) => {
    const server = await startOAuthMcpServer();
    t.after(() => server.close());
    const owned = networkFetch(config(server.url));
    t.after(() => owned.close());
    const redirect = await startLoopbackRedirect(5000);
    t.after(() => redirect.close());
    let page = '';
    const record = await signIn({
      serverUrl: server.url, fetch: owned.fetch,
      browser: { ...redirect, waitForCode: (s) => redirect.waitForCode(s), open: async (url) => { page = await followSignIn(url); } },
    });
    assert.match(page, /^200 .*Signed in/s);
    assert.ok(record.accessToken, 'the code was exchanged for tokens');
  });

  test('a redirect with another state, and a user who never comes back', async (t) => {
    const server = await startOAuthMcpServer();
    t.after(() => server.close());
    const owned = networkFetch(config(server.url));
    t.after(() => owned.close());
    const forged = await startLoopbackRedirect(5000);
    await assert.rejects(
      signIn({
        serverUrl: server.url, fetch: owned.fetch,
        browser: { ...forged, waitForCode: (s) => forged.waitForCode(s), open: (url) => void fetch(`${new URL(url).searchParams.get('redirect_uri')}?code=x&state=forged`).catch(() => undefined) },
      }),
      (e: AuthFlowError) => e.step === 'redirect' && /state that does not match this sign-in/.test(e.message),
    );
    const xdg = mkdtempSync(join(tmpdir(), 'sh-oauth-timeout-'));
    t.after(() => rmSync(xdg, { recursive: true, force: true }));
    const run = await cli(['login', '--url', server.url, '--no-browser', '--timeout', '1'], { XDG_CONFIG_HOME: xdg });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Open this URL to sign in: http/);
    assert.match(run.stderr, /sign-in failed \(redirect\): no sign-in within 1 s: the browser was closed or the sign-in not finished; run the sign-in again/);
  });
});
