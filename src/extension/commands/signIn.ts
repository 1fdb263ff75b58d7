// Sign In… / Sign Out…: the MCP OAuth sign-in (transports/oauth/flow.ts, on the MCP SDK's client/auth)
// for an endpoint, with the browser opened by vscode.env.openExternal and the redirect received on a
// loopback port made reachable by vscode.env.asExternalUri (identity on desktop; forwarded in remote
// windows). Tokens go to SecretStorage (signInStore.ts); the endpoint then reconnects with them.

import * as vscode from 'vscode';
import { KIND_INFO } from '../../core/kinds.ts';
import { needsSignIn } from '../../core/model.ts';
import { loadHttpPart } from '../../transports/loader.ts';
import type { SignInRecord } from '../../transports/oauth/flow.ts';
import type { EndpointStatus } from '../../core/model.ts';
import { CommandInputError, type CommandContext } from './context.ts';
import { pickEndpoint, ALL } from './pickEndpoint.ts';
import { errorMessage } from '../../core/util.ts';

async function chooseEndpoint(ctx: CommandContext, arg: unknown, title: string, filter: (s: EndpointStatus) => boolean): Promise<string | undefined> {
  if (typeof arg === 'string') return arg;
  const picked = await pickEndpoint(ctx.manager, { title, filter: (s) => KIND_INFO[s.kind].signIn && filter(s) });
  return picked === ALL ? undefined : picked;
}

/** `(name?)`: signs the endpoint in; resolves true once its tokens are stored. */
export async function signInEndpoint(ctx: CommandContext, arg?: unknown): Promise<boolean> {
  const title = 'Stream Health: Sign In';
  // Offer the endpoints that asked for it first; any HTTP endpoint can be signed in ahead of time.
  const asking = ctx.manager.status().filter(needsSignIn);
  const name = await chooseEndpoint(ctx, arg, title, (s) => asking.length === 0 || needsSignIn(s));
  if (!name) return false;
  const config = ctx.manager.endpoints().find((e) => e.name === name);
  if (!config) throw new CommandInputError(`Stream Health: ${ctx.manager.whyUnavailable(name) ?? `no endpoint named "${name}"`}`);
  if (config.auth?.signIn === false) throw new CommandInputError(`Stream Health: "${name}" has "auth": "none" in its settings; remove it to sign in.`);
  if (!KIND_INFO[config.kind].signIn) throw new CommandInputError(`Stream Health: "${name}" is a ${config.kind} endpoint; sign-in is for MCP servers over HTTP.`);
  // The OAuth flow and its HTTP client load with the HTTP transports, not at activation.
  const { accountProviderFor, AuthFlowError, discoverResource, networkFetch, signIn, startLoopbackRedirect } = await loadHttpPart();
  const fetch = networkFetch(config);
  // GitHub's and Microsoft's authorization servers: VS Code's own account first, as VS Code's MCP client does.
  const target = await discoverResource(config.url, undefined, fetch.fetch).catch(() => undefined);
  const provider = target && accountProviderFor(target.authorizationServer);
  if (target && provider) {
    const account = `Use my ${provider === 'github' ? 'GitHub' : 'Microsoft'} account in VS Code`;
    const choice = await vscode.window.showQuickPick([account, 'Sign in in the browser'], { title, placeHolder: `${name} signs in at ${target.authorizationServer}` });
    if (!choice) {
      fetch.close();
      return false;
    }
    if (choice === account) {
      fetch.close();
      const scopes = config.auth?.scopes.length ? [...config.auth.scopes] : (target.scopes?.split(' ') ?? []);
      const session = await vscode.authentication.getSession(provider, scopes, { createIfNone: true });
      ctx.redactor.add(session.accessToken);
      await ctx.signIns.set({ serverUrl: config.url, resource: target.resource, authorizationServer: target.authorizationServer, account: provider, ...(scopes.length ? { scope: scopes.join(' ') } : {}), accessToken: session.accessToken });
      ctx.log.info(`[${name}] signed in with the VS Code ${provider} account`);
      ctx.manager.reconnect(name);
      return true;
    }
  }
  const redirect = await startLoopbackRedirect();
  try {
    // In code-server or a remote window the browser is elsewhere: the loopback port is forwarded.
    const external = await vscode.env.asExternalUri(vscode.Uri.parse(redirect.redirectUrl));
    const redirectUrl = external.toString(true);
    const record = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Stream Health: signing in to ${name}, finish in your browser…`, cancellable: true },
      (_progress, token) => {
        token.onCancellationRequested(() => redirect.close());
        return signIn({
          serverUrl: config.url,
          fetch: fetch.fetch,
          ...(config.auth?.clientId ? { clientId: config.auth.clientId } : {}),
          ...(config.auth?.scopes.length ? { scopes: config.auth.scopes.join(' ') } : {}),
          browser: {
            redirectUrl,
            waitForCode: (state) => redirect.waitForCode(state),
            async open(url) {
              ctx.log.info(`[${name}] sign-in: opening the authorization page of ${new URL(url).origin}`);
              const opened = await vscode.env.openExternal(vscode.Uri.parse(url, true));
              if (!opened) throw new AuthFlowError('authorization', 'the browser could not be opened for the sign-in');
            },
          },
        });
      },
    );
    await ctx.signIns.set(record);
    ctx.log.info(`[${name}] signed in at ${record.authorizationServer}${record.scope ? ` (scopes ${record.scope})` : ''}`);
    ctx.manager.reconnect(name);
    void vscode.window.showInformationMessage(`Stream Health: signed in to ${name}.`);
    return true;
  } catch (error) {
    const step = error instanceof AuthFlowError ? ` (${error.step})` : '';
    throw new CommandInputError(`Stream Health: sign-in to ${name} failed${step}: ${errorMessage(error)}`);
  } finally {
    redirect.close();
    fetch.close();
  }
}

/** A VS Code account's token, asked again without prompting (VS Code refreshes it); signed out means sign in again. */
export async function renewAccount(record: SignInRecord, redactor: CommandContext['redactor']): Promise<SignInRecord> {
  const scopes = record.scope ? record.scope.split(' ') : [];
  const session = await vscode.authentication.getSession(record.account!, scopes, { silent: true });
  // withSignIn (in the HTTP part) tells this error apart by its class: take the part's own.
  if (!session) throw new (await loadHttpPart()).AuthFlowError('refresh', `the VS Code ${record.account} account is signed out; sign in again`);
  redactor.add(session.accessToken);
  return { ...record, accessToken: session.accessToken };
}

/** `(name?)`: forgets the endpoint's tokens; its next connect asks for sign-in again. */
export async function signOutEndpoint(ctx: CommandContext, arg?: unknown): Promise<boolean> {
  const name = await chooseEndpoint(ctx, arg, 'Stream Health: Sign Out', () => true);
  if (!name) return false;
  const config = ctx.manager.endpoints().find((e) => e.name === name);
  if (!config) throw new CommandInputError(`Stream Health: ${ctx.manager.whyUnavailable(name) ?? `no endpoint named "${name}"`}`);
  const removed = await ctx.signIns.delete(config.url);
  ctx.log.info(`[${name}] ${removed ? 'signed out' : 'sign out: was not signed in'}`);
  if (removed) ctx.manager.reconnect(name);
  void vscode.window.showInformationMessage(removed ? `Stream Health: signed out of ${name}.` : `Stream Health: ${name} was not signed in.`);
  return removed;
}
