// An OAuth-protected MCP server from the SDK's own parts, on one loopback port: the SDK's auth router
// (authorization server: RFC 8414 metadata, registration, authorize, token, revoke) with an in-memory
// provider that approves at once, the SDK's bearer middleware with protected-resource metadata, and a
// Streamable HTTP MCP server at /mcp. Helpers expire access tokens and revoke refresh tokens.

import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import { mcpAuthRouter, getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { InvalidClientMetadataError, InvalidGrantError, InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { AuthorizationParams, OAuthServerProvider } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { OAuthRegisteredClientsStore } from '@modelcontextprotocol/sdk/server/auth/clients.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { OAuthClientInformationFull, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { closeHttp, listen } from '../../../src/lab/net.ts';

// express (the SDK's own dependency, which its auth router needs) ships no types and @types/express is
// not installed: the little used here is typed by hand.
type Handler = (req: http.IncomingMessage & { body?: unknown }, res: http.ServerResponse & ExpressResponse, next: () => void) => unknown;
interface ExpressResponse {
  redirect(url: string): void;
  status(code: number): { json(body: unknown): void };
}
interface ExpressApp {
  (req: http.IncomingMessage, res: http.ServerResponse): void;
  use(handler: unknown): void;
  all(path: string, ...handlers: unknown[]): void;
}
const express = createRequire(import.meta.url)('express') as { (): ExpressApp; json(): unknown };

export interface OAuthMcpOptions {
  /** Lifetime of issued access tokens. */
  readonly accessTokenSeconds?: number;
  readonly scopes?: readonly string[];
  /** Registration answers 400 (an AS that refuses dynamic registration). */
  readonly refuseRegistration?: boolean;
}

export interface OAuthMcpServer {
  /** The MCP endpoint, `http://127.0.0.1:PORT/mcp`. */
  readonly url: string;
  readonly issuer: string;
  readonly stats: { mcpRequests: number; unauthorized: number; registrations: number; tokenGrants: number; refreshGrants: number; getStreams: number };
  /** Every access token ever issued (for planted-secret checks). */
  readonly issuedSecrets: string[];
  expireAccessTokens(): void;
  revokeRefreshTokens(): void;
  close(): Promise<void>;
}

interface Issued {
  readonly clientId: string;
  readonly scopes: string[];
  readonly resource?: URL;
  expiresAt: number;
}

export async function startOAuthMcpServer(options: OAuthMcpOptions = {}): Promise<OAuthMcpServer> {
  const httpServer = http.createServer();
  const port = await listen(httpServer, 0);
  const origin = `http://127.0.0.1:${port}`;
  const mcpUrl = new URL(`${origin}/mcp`);
  const scopes = [...(options.scopes ?? ['mcp:read'])];
  const lifetime = options.accessTokenSeconds ?? 3600;
  const stats = { mcpRequests: 0, unauthorized: 0, registrations: 0, tokenGrants: 0, refreshGrants: 0, getStreams: 0 };
  const issuedSecrets: string[] = [];

  const clients = new Map<string, OAuthClientInformationFull>();
  const clientsStore: OAuthRegisteredClientsStore = {
    getClient: (id) => clients.get(id),
    registerClient: (client) => {
      if (options.refuseRegistration) throw new InvalidClientMetadataError('registration is closed');
      stats.registrations++;
      const full = { ...client, client_id: randomUUID(), client_id_issued_at: Math.floor(Date.now() / 1000) } as OAuthClientInformationFull;
      clients.set(full.client_id, full);
      return full;
    },
  };
  const codes = new Map<string, { clientId: string; params: AuthorizationParams }>();
  const access = new Map<string, Issued>();
  const refresh = new Map<string, Issued>();

  const issue = (clientId: string, granted: string[], resource: URL | undefined): OAuthTokens => {
    const accessToken = `at-${randomUUID()}`;
    const refreshToken = `rt-${randomUUID()}`;
    issuedSecrets.push(accessToken, refreshToken);
    const record = { clientId, scopes: granted, ...(resource ? { resource } : {}), expiresAt: Math.floor(Date.now() / 1000) + lifetime };
    access.set(accessToken, record);
    refresh.set(refreshToken, { ...record });
    return { access_token: accessToken, token_type: 'bearer', expires_in: lifetime, refresh_token: refreshToken, scope: granted.join(' ') };
  };

  const provider: OAuthServerProvider = {
    clientsStore,
    // The "user" approves at once: straight back to the client with a code.
    async authorize(client, params, res) {
      const code = randomUUID();
      codes.set(code, { clientId: client.client_id, params });
      const target = new URL(params.redirectUri);
      target.searchParams.set('code', code);
      if (params.state !== undefined) target.searchParams.set('state', params.state);
      res.redirect(target.href);
    },
    async challengeForAuthorizationCode(_client, code) {
      const entry = codes.get(code);
      if (!entry) throw new InvalidGrantError('unknown authorization code');
      return entry.params.codeChallenge;
    },
    async exchangeAuthorizationCode(client, code) {
      const entry = codes.get(code);
      if (!entry || entry.clientId !== client.client_id) throw new InvalidGrantError('unknown authorization code');
      codes.delete(code);
      stats.tokenGrants++;
      return issue(client.client_id, entry.params.scopes ?? scopes, entry.params.resource);
    },
    async exchangeRefreshToken(client, token) {
      const entry = refresh.get(token);
      if (!entry || entry.clientId !== client.client_id) throw new InvalidGrantError('refresh token revoked or unknown');
      refresh.delete(token);
      stats.refreshGrants++;
      return issue(client.client_id, entry.scopes, entry.resource);
    },
    async verifyAccessToken(token): Promise<AuthInfo> {
      const entry = access.get(token);
      if (!entry) throw new InvalidTokenError('unknown token');
      return { token, clientId: entry.clientId, scopes: entry.scopes, expiresAt: entry.expiresAt, ...(entry.resource ? { resource: entry.resource } : {}) };
    },
  };

  const app = express();
  app.use(mcpAuthRouter({ provider, issuerUrl: new URL(origin), resourceServerUrl: mcpUrl, scopesSupported: scopes, resourceName: 'stream-health test MCP' }));
  const bearer = requireBearerAuth({ verifier: provider, resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(mcpUrl), expectedResource: mcpUrl });
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const servers = new Set<McpServer>();
  const getStreams = new Set<http.ServerResponse>();
  app.all(
    '/mcp',
    ((req, res, next) => {
      stats.mcpRequests++;
      res.once('finish', () => {
        if (res.statusCode === 401) stats.unauthorized++;
      });
      next();
    }) satisfies Handler,
    bearer,
    express.json(),
    (async (req, res) => {
      const sessionId = req.headers['mcp-session-id'];
      const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
      if (existing) {
        if (req.method === 'GET') {
          stats.getStreams++;
          getStreams.add(res);
          res.once('close', () => getStreams.delete(res));
        }
        return existing.handleRequest(req, res, req.body);
      }
      if (req.method === 'POST' && isInitializeRequest(req.body)) {
        const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => void sessions.set(id, transport),
        });
        const server = new McpServer({ name: 'stream-health-oauth-test', version: '1.0.0' });
        servers.add(server);
        transport.onclose = () => {
          if (transport.sessionId) sessions.delete(transport.sessionId);
          servers.delete(server);
        };
        await server.connect(transport);
        return transport.handleRequest(req, res, req.body);
      }
      res.status(sessionId ? 404 : 400).json({ jsonrpc: '2.0', error: { code: -32000, message: 'no session' }, id: null });
    }) satisfies Handler,
  );
  httpServer.on('request', app);

  return {
    url: mcpUrl.href,
    issuer: `${origin}/`,
    stats,
    issuedSecrets,
    expireAccessTokens() {
      for (const entry of access.values()) entry.expiresAt = Math.floor(Date.now() / 1000) - 1;
    },
    revokeRefreshTokens() {
      refresh.clear();
    },
    async close() {
      for (const res of getStreams) res.destroy();
      await Promise.allSettled([...servers].map((s) => s.close()));
      await closeHttp(httpServer);
    },
  };
}
