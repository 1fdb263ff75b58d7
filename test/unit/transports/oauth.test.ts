// The sign-in pieces that need no server: the Bearer challenge parser, and the transport wrapper's
// handling of a stored sign-in (bearer header injected, planted tokens never reach the core).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEndpoints } from '../../../src/core/config.ts';
import type { ConnectContext, EndInfo, OpenInfo, Transport } from '../../../src/core/transport.ts';
import { bearerChallenge, signInChallenge } from '../../../src/transports/oauth/challenge.ts';
import { accountProviderFor } from '../../../src/transports/oauth/flow.ts';
import type { SignInRecord, SignInStore } from '../../../src/transports/oauth/flow.ts';
import { withSignIn } from '../../../src/transports/oauth/withSignIn.ts';

const ACCESS = 'at-planted-4f1c9e7a2b';
const REFRESH = 'rt-planted-8d2e6b0c3a';
const CLIENT_SECRET = 'cs-planted-1a2b3c4d5e';

test('Bearer challenges are read with their parameters; other schemes are not challenges', () => {
  assert.deepEqual(bearerChallenge('Bearer resource_metadata="https://x.example/.well-known/oauth-protected-resource/mcp", scope="a b"'), {
    resourceMetadataUrl: 'https://x.example/.well-known/oauth-protected-resource/mcp',
    scope: 'a b',
  });
  assert.deepEqual(bearerChallenge('Bearer'), {});
  assert.deepEqual(bearerChallenge('bearer error="invalid_token"'), { error: 'invalid_token' });
  assert.equal(bearerChallenge('Basic realm="x"'), undefined);
  assert.equal(bearerChallenge(undefined), undefined);
});

test('a 401 Bearer is a sign-in challenge; a 403 only when the scope is insufficient', () => {
  assert.ok(signInChallenge(401, 'Bearer'));
  assert.ok(signInChallenge(403, 'Bearer error="insufficient_scope", scope="admin"'));
  assert.equal(signInChallenge(403, 'Bearer error="invalid_token"'), undefined);
  assert.equal(signInChallenge(401, 'Basic realm="x"'), undefined);
  assert.equal(signInChallenge(401, undefined), undefined);
});

function memoryStore(record: SignInRecord | undefined): SignInStore {
  let current = record;
  return {
    get: async () => current,
    set: async (next) => void (current = next),
    delete: async () => Boolean(current) && !(current = undefined),
  };
}

test('a stored sign-in adds the bearer header, and planted tokens never reach the core', async () => {
  const config = parseEndpoints([{ name: 'a', kind: 'mcp', url: 'https://mcp.example/mcp', headers: { Authorization: 'Bearer hand-written', 'X-Other': '1' } }]).endpoints[0]!;
  const record: SignInRecord = {
    serverUrl: config.url, resource: config.url, authorizationServer: 'https://as.example/',
    metadata: { issuer: 'https://as.example/', authorization_endpoint: 'https://as.example/authorize', token_endpoint: 'https://as.example/token', response_types_supported: ['code'] },
    client: { client_id: 'c', client_secret: CLIENT_SECRET }, accessToken: ACCESS, refreshToken: REFRESH, expiresAt: Date.now() + 3_600_000,
  };
  let seen: ConnectContext | undefined;
  // A careless server that echoes every credential it got into what the transport reports.
  const inner = (context: ConnectContext): Transport => {
    seen = context;
    queueMicrotask(() => {
      context.sink.opened({ detail: `opened with ${context.config.headers.authorization}` });
      context.sink.warning(`server said ${ACCESS} ${REFRESH} ${CLIENT_SECRET}`);
      context.sink.ended({ cause: 'eof', detail: `closed ${ACCESS}`, retryable: true });
    });
    return { close: () => undefined, probe: () => Promise.reject(new Error(`ping answered 500: you sent ${ACCESS}`)) };
  };
  let wrapped: Transport | undefined;
  const reported: { opened?: OpenInfo; warnings: string[]; ended?: EndInfo } = { warnings: [] };
  const ended = new Promise<void>((resolve) => {
    wrapped = withSignIn(inner, { store: memoryStore(record) })({
      config, resume: {}, attempt: 1,
      sink: {
        opened: (info) => void (reported.opened = info),
        activity: () => undefined,
        warning: (m) => void reported.warnings.push(m),
        retryHint: () => undefined,
        evidence: () => undefined,
        ended: (info) => {
          reported.ended = info;
          resolve();
        },
      },
    });
  });
  await ended;
  assert.equal(seen?.config.headers.authorization, `Bearer ${ACCESS}`);
  assert.equal(seen?.config.headers.Authorization, undefined, 'the stored sign-in replaces a hand-written Authorization header');
  assert.equal(seen?.config.headers['X-Other'], '1');
  const text = JSON.stringify(reported);
  for (const secret of [ACCESS, REFRESH, CLIENT_SECRET]) assert.ok(!text.includes(secret), text);
  assert.match(reported.opened!.detail, /^opened with Bearer \*\*\*$/);
  await assert.rejects(wrapped!.probe!(), (error: Error) => error.message === 'ping answered 500: you sent ***');
});

test('GitHub and Microsoft authorization servers map to VS Code account providers; others do not', () => {
  assert.equal(accountProviderFor('https://github.com/login/oauth'), 'github');
  assert.equal(accountProviderFor('https://github.com/login/oauth/'), 'github');
  assert.equal(accountProviderFor('https://login.microsoftonline.com/organizations/v2.0'), 'microsoft');
  assert.equal(accountProviderFor('https://login.microsoftonline.com.evil.example/x'), undefined);
  assert.equal(accountProviderFor('https://github.com.evil.example/login/oauth'), undefined);
  assert.equal(accountProviderFor('https://auth.atlassian.com'), undefined);
});
