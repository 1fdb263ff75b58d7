// A WHATWG `fetch` for the OAuth steps (metadata, registration, token requests), carried by the same
// undici dispatcher as the endpoint's stream: the proxy route and the TLS trust (caFile, client
// certificate) apply to the authorization server exactly as to the MCP server.

import { fetch as undiciFetch } from 'undici';
import type { EndpointConfig } from '../../core/config.ts';
import { StreamHealthError } from '../../core/errors.ts';
import { chainMessage } from '../net/index.ts';
import { serverText } from '../serverText.ts';
import { createHttpClient, HTTP_TIMEOUTS, timeoutSignal } from './client.ts';
import type { HttpClient } from './client.ts';

/** The fetch signature the MCP SDK's client/auth functions take (`FetchLike`). */
export type NetworkFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** A request of the sign-in flow that got no HTTP answer (refused, TLS, proxy, timeout). */
export class AuthNetworkError extends StreamHealthError {
  constructor(message: string, cause: unknown) {
    super('SH_ERR_AUTH_NETWORK', message, { cause });
    this.name = 'AuthNetworkError';
  }
}

export interface OwnedFetch {
  readonly fetch: NetworkFetch;
  /** Frees the sockets; idempotent. */
  close(): void;
}

/**
 * A fetch that reuses an existing attempt's client when given (the 401's own connection pool), or owns
 * one built from the endpoint's config. Every request is bounded by HTTP_TIMEOUTS.requestTimeoutMs and
 * never follows redirects: a metadata or token URL that redirects elsewhere is an error, not a hop.
 */
export function networkFetch(source: EndpointConfig | HttpClient): OwnedFetch {
  const owned = !('dispatcher' in source);
  let client: HttpClient | undefined = owned ? undefined : source;
  const fetch: NetworkFetch = async (url, init) => {
    client ??= createHttpClient(source as EndpointConfig);
    const timeout = timeoutSignal(HTTP_TIMEOUTS.requestTimeoutMs, `${init?.method ?? 'GET'} ${new URL(String(url)).origin}`);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout.signal]) : timeout.signal;
    try {
      const response = await undiciFetch(String(url), {
        ...(init as object),
        signal,
        redirect: 'manual',
        dispatcher: client.dispatcher,
      } as Parameters<typeof undiciFetch>[1]);
      // Read the body now, inside the deadline, so a stalled body cannot hang the caller's json().
      const body = await response.arrayBuffer();
      return new Response(body.byteLength > 0 ? body : null, { status: response.status, statusText: response.statusText, headers: response.headers as unknown as Headers });
    } catch (error) {
      // Not a TypeError: the SDK reads a TypeError as a browser CORS refusal and retries without headers.
      throw new AuthNetworkError(`${new URL(String(url)).origin} could not be reached: ${serverText(chainMessage(error), 200)}`, error);
    } finally {
      timeout.clear();
    }
  };
  return {
    fetch,
    close() {
      if (owned) client?.close();
      client = undefined;
    },
  };
}
