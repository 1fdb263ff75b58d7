// OAuth sign-in against a real SDK-protected MCP server (support/oauthMcpServer.ts): the challenge
// becomes `auth` (needs sign-in) with no retry storm, the flow built on the SDK's client/auth signs in
// through our network layer, stored tokens are used and refreshed, and bad inputs give clear errors.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { needsSignIn } from '../../src/core/model.ts';
import { createTransport } from '../../src/transports/index.ts';
import { startOAuthMcpServer } from './support/oauthMcpServer.ts';
import { endpoint, runMonitor, sleep } from './support/monitorHarness.ts';

describe('oauth: the challenge', () => {
  test('a 401 Bearer challenge is cause auth naming the authorization server and scopes, not retried', async (t) => {
    const server = await startOAuthMcpServer({ scopes: ['mcp:read', 'mcp:write'] });
    t.after(() => server.close());
    const run = runMonitor([endpoint({ name: 'locked', kind: 'mcp', url: server.url, heartbeatSeconds: 0, idleTimeoutSeconds: 0, reconnect: { initialDelaySeconds: 0.05 } })], createTransport);
    t.after(() => run.stop());
    const error = await run.log.waitFor((e) => e.event === 'error');
    assert.equal(error.event, 'error');
    if (error.event !== 'error') return;
    assert.equal(error.cause, 'auth');
    assert.equal(error.httpStatus, 401);
    assert.match(error.message, new RegExp(`sign in required: \\S+ answered 401 invalid_token \\(authorization server ${server.issuer.replace(/[.]/g, '\\.')}, scopes "mcp:read mcp:write"\\)`));
    await sleep(600);
    const status = run.monitor.status()[0]!;
    assert.equal(status.state, 'failed');
    assert.ok(needsSignIn(status));
    assert.match(status.reason ?? '', /not retried until you sign in/);
    assert.equal(run.log.of('connecting').length, 1, 'one attempt, no retry storm');
    assert.equal(server.stats.unauthorized, 1);
  });
});
