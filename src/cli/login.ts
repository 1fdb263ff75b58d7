// `stream-health login` and `logout`: the MCP sign-in (transports/oauth/flow.ts) with a loopback
// redirect, the URL printed on stderr (and a browser opened unless --no-browser or no display), the
// result kept in the 0600 sign-in file that `watch` and `probe-idle` read.

import { spawn } from 'node:child_process';
import { redact } from '../core/secrets.ts';
import { networkFetch } from '../transports/http/networkFetch.ts';
import { signInChallenge } from '../transports/oauth/challenge.ts';
import type { BearerChallenge } from '../transports/oauth/challenge.ts';
import { AuthFlowError, recordSecrets, signIn } from '../transports/oauth/flow.ts';
import { SIGN_IN_TIMEOUT_MS, startLoopbackRedirect } from '../transports/oauth/loopback.ts';
import { STREAMABLE_VERSION } from '../transports/mcp/streamable.ts';
import { CLIENT_INFO } from '../transports/mcp/rpc.ts';
import type { LoginCommand, LogoutCommand } from './args.ts';
import { loadEndpoints } from './endpoints.ts';
import type { CliIo } from './io.ts';
import { FileSignInStore, signInFilePath } from './signInStore.ts';
import { EXIT } from './usage.ts';
import { errorMessage } from '../core/util.ts';

/** xdg-open and friends; a missing opener is not an error, the URL is printed anyway. */
function openBrowser(url: string, env: NodeJS.ProcessEnv): void {
  const linux = process.platform !== 'darwin' && process.platform !== 'win32';
  if (linux && !env.DISPLAY && !env.WAYLAND_DISPLAY) return;
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  const child = spawn(command as string, args as string[], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}

export async function runLogin(command: LoginCommand, io: CliIo): Promise<number> {
  // The same endpoint config watch would build: proxy route from the environment, default trust.
  const [config] = loadEndpoints({ url: command.url, kind: 'mcp', env: io.env }).endpoints;
  const store = new FileSignInStore(signInFilePath(io.env));
  const fetch = networkFetch(config!);
  const err = (line: string) => io.stderr.write(`${line}\n`);
  let secrets: string[] = [];
  try {
    const challenge = await askServer(command.url, fetch.fetch);
    if (challenge === 'open') {
      err(`stream-health: ${command.url} answered without asking for a sign-in; nothing to do`);
      return EXIT.ok;
    }
    const redirect = await startLoopbackRedirect(command.timeoutSeconds !== undefined ? command.timeoutSeconds * 1000 : SIGN_IN_TIMEOUT_MS);
    try {
      const record = await signIn({
        serverUrl: command.url,
        ...(challenge ? { challenge } : {}),
        ...(command.clientId ? { clientId: command.clientId } : {}),
        ...(command.scopes ? { scopes: command.scopes } : {}),
        fetch: fetch.fetch,
        browser: {
          redirectUrl: redirect.redirectUrl,
          waitForCode: (state) => redirect.waitForCode(state),
          open(url) {
            err(`Open this URL to sign in: ${url}`);
            if (command.openBrowser) openBrowser(url, io.env);
          },
        },
      });
      secrets = recordSecrets(record);
      await store.set(record);
      const expires = record.expiresAt ? `, access token valid until ${new Date(record.expiresAt).toISOString()}` : '';
      err(`stream-health: signed in to ${command.url} (authorization server ${record.authorizationServer}${record.scope ? `, scopes "${record.scope}"` : ''}${expires}); saved in ${store.path}`);
      return EXIT.ok;
    } finally {
      redirect.close();
    }
  } catch (error) {
    const what = error instanceof AuthFlowError ? `sign-in failed (${error.step}): ${error.message}` : `sign-in failed: ${errorMessage(error)}`;
    err(`stream-health: ${redact(what, secrets)}`);
    return EXIT.runtime;
  } finally {
    fetch.close();
  }
}

/** An unauthenticated initialize: its challenge says where to sign in (none means well-known discovery). */
async function askServer(url: string, fetch: (url: string, init?: RequestInit) => Promise<Response>): Promise<BearerChallenge | undefined | 'open'> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': STREAMABLE_VERSION },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: STREAMABLE_VERSION, capabilities: {}, clientInfo: CLIENT_INFO } }),
  });
  if (response.ok) return 'open';
  const challenge = signInChallenge(response.status, response.headers.get('www-authenticate') ?? undefined);
  if (challenge) return challenge;
  if (response.status === 401) return undefined;
  throw new AuthFlowError('resource-metadata', `${url} answered HTTP ${response.status} without a Bearer challenge; check the URL (it should be the MCP endpoint)`);
}

export async function runLogout(command: LogoutCommand, io: CliIo): Promise<number> {
  const store = new FileSignInStore(signInFilePath(io.env));
  const removed = await store.delete(command.url);
  io.stderr.write(removed ? `stream-health: signed out of ${command.url}; its tokens were removed from ${store.path}\n` : `stream-health: not signed in to ${command.url}; nothing to remove\n`);
  return EXIT.ok;
}
