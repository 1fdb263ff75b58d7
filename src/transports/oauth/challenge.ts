// Recognises the MCP authorization challenge (a 401, or a 403 `insufficient_scope`, with a
// `WWW-Authenticate: Bearer` header) and turns it into a "sign in required" failure that names the
// authorization server and the scopes, read from the server's protected-resource metadata.

import { extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js';
import type { EndInfo } from '../../core/transport.ts';
import { serverText } from '../serverText.ts';
import type { HttpClient } from '../http/client.ts';
import { networkFetch } from '../http/networkFetch.ts';
import { discoverResource } from './flow.ts';
import { errorMessage } from '../../core/util.ts';

export interface BearerChallenge {
  /** RFC 9728 `resource_metadata`; absent means well-known discovery on the server's origin. */
  readonly resourceMetadataUrl?: string;
  readonly scope?: string;
  /** RFC 6750 error code: `invalid_token`, `insufficient_scope`... */
  readonly error?: string;
}

/** The Bearer challenge of a `WWW-Authenticate` value, or undefined when the scheme is another (Basic, none). */
export function bearerChallenge(value: string | undefined): BearerChallenge | undefined {
  if (!value || !/^\s*bearer(\s|$)/i.test(value)) return undefined;
  // The SDK's parser (quoted or bare parameter values); it needs a Response to read the header from.
  const params = extractWWWAuthenticateParams(new Response(null, { headers: { 'www-authenticate': value } }));
  return {
    ...(params.resourceMetadataUrl ? { resourceMetadataUrl: params.resourceMetadataUrl.href } : {}),
    ...(params.scope ? { scope: params.scope } : {}),
    ...(params.error ? { error: params.error } : {}),
  };
}

/** A 401 with a Bearer challenge, or a 403 whose challenge says the token lacks scope: signing in can fix it. */
export function signInChallenge(status: number, wwwAuthenticate: string | undefined): BearerChallenge | undefined {
  const challenge = bearerChallenge(wwwAuthenticate);
  if (!challenge) return undefined;
  if (status === 401) return challenge;
  if (status === 403 && challenge.error === 'insufficient_scope') return challenge;
  return undefined;
}

/**
 * The EndInfo of a sign-in challenge: cause `auth`, not retried (retrying cannot help until the user
 * signs in). The metadata is fetched through the attempt's own client, so the proxy and trust apply.
 */
export async function signInFailure(status: number, what: string, serverUrl: string, challenge: BearerChallenge, client: HttpClient): Promise<EndInfo> {
  const fetch = networkFetch(client);
  let where: string;
  try {
    const target = await discoverResource(serverUrl, challenge, fetch.fetch);
    const scopes = challenge.scope ?? target.scopes;
    where = `authorization server ${target.authorizationServer}${scopes ? `, scopes "${scopes}"` : ''}`;
  } catch (error) {
    where = `the sign-in metadata could not be read: ${serverText(errorMessage(error), 300)}`;
  } finally {
    fetch.close();
  }
  const reason = status === 403 ? 'answered 403 insufficient_scope' : `answered 401${challenge.error ? ` ${challenge.error}` : ''}`;
  return { cause: 'http-status', error: 'auth', httpStatus: status, detail: `sign in required: ${what} ${reason} (${where})`, retryable: false };
}
