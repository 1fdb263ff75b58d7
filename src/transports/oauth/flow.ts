// The MCP authorization flow (OAuth 2.1) for one server, built on the MCP SDK's client/auth functions.
// The SDK does the protocol: RFC 9728 protected-resource metadata, RFC 8414 / OIDC discovery, RFC 7591
// dynamic client registration, the PKCE (S256) authorization URL with the RFC 8707 `resource`, the
// code exchange and the refresh. We add: every request through our network layer (proxy, caFile),
// checks the SDK leaves to the caller (metadata on the server's origin, the resource matching the
// server, the issuer matching the authorization server, token endpoint on the issuer's origin), one
// error per failed step naming it, and the record the stores keep.

import {
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
  exchangeAuthorization,
  refreshAuthorization,
  registerClient,
  startAuthorization,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type { AuthorizationServerMetadata, OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { checkResourceAllowed } from '@modelcontextprotocol/sdk/shared/auth-utils.js';
import { StreamHealthError } from '../../core/errors.ts';
import { serverText } from '../serverText.ts';
import { AuthNetworkError } from '../http/networkFetch.ts';
import type { NetworkFetch } from '../http/networkFetch.ts';
import type { BearerChallenge } from './challenge.ts';
import { errorMessage } from '../../core/util.ts';

/** The steps of the flow, as named in errors. */
export type AuthStep = 'resource-metadata' | 'server-metadata' | 'registration' | 'authorization' | 'redirect' | 'token' | 'refresh';

/** One failed step: `step` says which, the message what to do. Never carries a token. */
export class AuthFlowError extends StreamHealthError {
  readonly step: AuthStep;
  constructor(step: AuthStep, message: string, cause?: unknown) {
    super('SH_ERR_AUTH_FLOW', message, cause === undefined ? undefined : { cause });
    this.name = 'AuthFlowError';
    this.step = step;
  }
}

/** What the protected-resource metadata says about a server. */
export interface ResourceTarget {
  readonly serverUrl: string;
  /** The RFC 8707 resource indicator, verbatim from the metadata. */
  readonly resource: string;
  readonly authorizationServer: string;
  /** `scopes_supported`, space-separated, when the metadata lists them. */
  readonly scopes?: string;
}

/** Everything needed to refresh without the user, and to send the token only where it belongs. */
export interface SignInRecord {
  readonly serverUrl: string;
  readonly resource: string;
  readonly authorizationServer: string;
  /** Absent for a VS Code account's token (`account`): VS Code renews those, not us. */
  readonly metadata?: AuthorizationServerMetadata;
  readonly client?: OAuthClientInformationMixed;
  readonly scope?: string;
  /** The token came from a VS Code account (vscode.authentication) of this provider. */
  readonly account?: 'github' | 'microsoft';
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Epoch ms; undefined when the server gave no `expires_in`. */
  readonly expiresAt?: number;
}

/** Where records live: a 0600 file in the CLI, SecretStorage in the extension. Keyed by server URL. */
export interface SignInStore {
  get(serverUrl: string): Promise<SignInRecord | undefined>;
  set(record: SignInRecord): Promise<void>;
  delete(serverUrl: string): Promise<boolean>;
}

/** Refresh this long before `expiresAt`, so a connect never starts with a token about to lapse. */
export const REFRESH_MARGIN_MS = 60_000;

/** The SDK's OAuthError carries the RFC 6749 code (`invalid_grant`...) beside the server's description. */
const reason = (error: unknown) => {
  const code = (error as { errorCode?: unknown }).errorCode;
  const message = errorMessage(error);
  return serverText(typeof code === 'string' && !message.startsWith(code) ? `${code}: ${message}` : message, 300);
};

/** Runs one step; a network failure keeps its own message, anything else is named by the step. */
async function step<T>(name: AuthStep, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AuthFlowError) throw error;
    if (error instanceof AuthNetworkError) throw new AuthFlowError(name, `${what}: ${error.message}`, error);
    throw new AuthFlowError(name, `${what}: ${reason(error)}`, error);
  }
}

/** RFC 9728: the protected-resource metadata, from the challenge's URL or the well-known paths. */
export async function discoverResource(serverUrl: string, challenge: BearerChallenge | undefined, fetch: NetworkFetch): Promise<ResourceTarget> {
  const server = new URL(serverUrl);
  const metadataUrl = challenge?.resourceMetadataUrl;
  // A 401 must not send us anywhere it likes: the metadata is the server's own statement about itself.
  if (metadataUrl && new URL(metadataUrl).origin !== server.origin) {
    throw new AuthFlowError('resource-metadata', `the server's resource_metadata ${metadataUrl} is on another origin than ${server.origin}; refusing to follow it`);
  }
  const what = `reading the protected-resource metadata of ${server.origin}${metadataUrl ? ` (${metadataUrl})` : ' (well-known discovery)'}`;
  const prm = await step('resource-metadata', what, () =>
    discoverOAuthProtectedResourceMetadata(serverUrl, metadataUrl ? { resourceMetadataUrl: metadataUrl } : {}, fetch),
  );
  if (!checkResourceAllowed({ requestedResource: serverUrl, configuredResource: prm.resource })) {
    throw new AuthFlowError('resource-metadata', `${what}: it describes the resource ${prm.resource}, which does not cover ${serverUrl}`);
  }
  const authorizationServer = prm.authorization_servers?.[0];
  if (!authorizationServer) throw new AuthFlowError('resource-metadata', `${what}: it names no authorization_servers`);
  return {
    serverUrl,
    resource: prm.resource,
    authorizationServer,
    ...(prm.scopes_supported?.length ? { scopes: prm.scopes_supported.join(' ') } : {}),
  };
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** RFC 8414, then OIDC discovery; the issuer must be the server the resource named. */
export async function discoverServer(authorizationServer: string, fetch: NetworkFetch): Promise<AuthorizationServerMetadata> {
  const what = `reading the authorization server metadata of ${authorizationServer}`;
  const metadata = await step('server-metadata', what, () => discoverAuthorizationServerMetadata(authorizationServer, { fetchFn: fetch }));
  if (!metadata) throw new AuthFlowError('server-metadata', `${what}: no RFC 8414 or OpenID metadata was found there`);
  if (trimSlash(metadata.issuer) !== trimSlash(authorizationServer)) {
    throw new AuthFlowError('server-metadata', `${what}: its issuer is ${metadata.issuer}, not ${authorizationServer}`);
  }
  // Tokens and codes go only to the server the metadata names, never to an endpoint elsewhere.
  if (new URL(metadata.token_endpoint).origin !== new URL(metadata.issuer).origin) {
    throw new AuthFlowError('server-metadata', `${what}: its token endpoint ${metadata.token_endpoint} is on another origin than the issuer; refusing to send codes there`);
  }
  return metadata;
}

export interface BrowserStep {
  /** Shows the authorization URL to the user (prints it, opens the browser). */
  open(authorizationUrl: string): void | Promise<void>;
  /** Resolves with the code once the redirect with this state arrives; rejects on mismatch or timeout.
   *  Called before open, so a redirect that arrives while open is still running is not lost. */
  waitForCode(state: string): Promise<string>;
  readonly redirectUrl: string;
}

export interface SignInOptions {
  readonly serverUrl: string;
  readonly challenge?: BearerChallenge;
  readonly fetch: NetworkFetch;
  readonly browser: BrowserStep;
  /** A pre-registered client; without it the client registers itself (RFC 7591). */
  readonly clientId?: string;
  /** Scopes to ask for; default: the challenge's, then the metadata's scopes_supported. */
  readonly scopes?: string;
  readonly clientName?: string;
}

/** The whole interactive flow; resolves with the record to store. */
export async function signIn(options: SignInOptions): Promise<SignInRecord> {
  const { fetch, browser } = options;
  const target = await discoverResource(options.serverUrl, options.challenge, fetch);
  const metadata = await discoverServer(target.authorizationServer, fetch);
  const scope = options.scopes ?? options.challenge?.scope ?? target.scopes;
  let client: OAuthClientInformationMixed;
  if (options.clientId) {
    client = { client_id: options.clientId };
  } else {
    if (!metadata.registration_endpoint) {
      throw new AuthFlowError('registration', `${target.authorizationServer} does not offer dynamic client registration; register a client there and set the endpoint's auth.clientId`);
    }
    client = await step('registration', `registering with ${target.authorizationServer}`, () =>
      registerClient(target.authorizationServer, {
        metadata,
        clientMetadata: {
          client_name: options.clientName ?? 'Stream Health',
          redirect_uris: [browser.redirectUrl],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
        },
        ...(scope ? { scope } : {}),
        fetchFn: fetch,
      }),
    );
  }
  const state = randomState();
  const { authorizationUrl, codeVerifier } = await step('authorization', `preparing the authorization request to ${target.authorizationServer}`, () =>
    startAuthorization(target.authorizationServer, { metadata, clientInformation: client, redirectUrl: browser.redirectUrl, state, resource: target.resource, ...(scope ? { scope } : {}) }),
  );
  // Listen for the state before the browser opens: a browser that approves at once can redirect back
  // before open() resolves (code-server's openExternal resolves only after its confirmation dialog).
  const redirected = browser.waitForCode(state);
  redirected.catch(() => {});
  await browser.open(authorizationUrl.href);
  const code = await redirected;
  const tokens = await step('token', `exchanging the code at ${target.authorizationServer}`, () =>
    exchangeAuthorization(target.authorizationServer, { metadata, clientInformation: client, authorizationCode: code, codeVerifier, redirectUri: browser.redirectUrl, resource: target.resource, fetchFn: fetch }),
  );
  return toRecord({ ...target, metadata, client, ...(scope ? { scope } : {}) }, tokens, undefined);
}

/** RFC 6749 section 6 at the authorization server that issued the token (and only there). */
export async function refresh(record: SignInRecord, fetch: NetworkFetch): Promise<SignInRecord> {
  if (!record.refreshToken || !record.metadata || !record.client) throw new AuthFlowError('refresh', `the sign-in to ${record.authorizationServer} has expired and gave no refresh token; sign in again`);
  const tokens = await step('refresh', `refreshing the sign-in at ${record.authorizationServer} (sign in again if it keeps failing)`, () =>
    refreshAuthorization(record.authorizationServer, { metadata: record.metadata!, clientInformation: record.client!, refreshToken: record.refreshToken!, resource: record.resource, fetchFn: fetch }),
  );
  return toRecord(record, tokens, record.refreshToken);
}

/** True when the access token is expired or about to be. */
export function needsRefresh(record: SignInRecord, now: number = Date.now()): boolean {
  return record.expiresAt !== undefined && record.expiresAt - REFRESH_MARGIN_MS <= now;
}

function toRecord(base: Omit<SignInRecord, 'accessToken' | 'refreshToken' | 'expiresAt'>, tokens: OAuthTokens, previousRefresh: string | undefined): SignInRecord {
  const refreshToken = tokens.refresh_token ?? previousRefresh;
  return {
    serverUrl: base.serverUrl,
    resource: base.resource,
    authorizationServer: base.authorizationServer,
    ...(base.metadata ? { metadata: base.metadata } : {}),
    ...(base.client ? { client: base.client } : {}),
    ...(base.scope ? { scope: base.scope } : {}),
    accessToken: tokens.access_token,
    ...(refreshToken ? { refreshToken } : {}),
    ...(tokens.expires_in !== undefined ? { expiresAt: Date.now() + tokens.expires_in * 1000 } : {}),
  };
}

function randomState(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url');
}

/**
 * The VS Code account provider that owns an authorization server, as VS Code's own MCP client maps
 * them (`authorizationServerGlobs` of the built-in github and microsoft providers).
 */
export function accountProviderFor(authorizationServer: string): 'github' | 'microsoft' | undefined {
  const url = trimSlash(authorizationServer);
  if (url === 'https://github.com/login/oauth') return 'github';
  if (/^https:\/\/login\.microsoftonline\.com\//.test(`${url}/`)) return 'microsoft';
  return undefined;
}

// Its own module so the extension's secret store can redact without loading the OAuth libraries.
export { recordSecrets } from './record.ts';
