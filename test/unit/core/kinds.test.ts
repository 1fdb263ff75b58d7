// The per-kind table: every kind has its facts and the config accepts exactly the schemes it lists;
// assertNever, which keeps the switches over kinds and findings exhaustive.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENDPOINT_KINDS, parseEndpoints } from '../../../src/core/config.ts';
import { assertNever, UnreachableError } from '../../../src/core/errors.ts';
import { KIND_INFO } from '../../../src/core/kinds.ts';

test('KIND_INFO describes every endpoint kind, and config validation accepts exactly its URL schemes', () => {
  assert.deepEqual(Object.keys(KIND_INFO).sort(), [...ENDPOINT_KINDS].sort());
  for (const kind of ENDPOINT_KINDS) {
    const info = KIND_INFO[kind];
    const placeholder = new URL(info.urlPlaceholder);
    assert.ok(info.urlSchemes.includes(placeholder.protocol), `${kind}: its placeholder uses one of its schemes`);
    for (const scheme of ['http:', 'https:', 'ws:', 'wss:', 'grpc:', 'grpcs:']) {
      const { issues } = parseEndpoints([{ name: 'x', kind, url: `${scheme}//example.com/` }]);
      assert.equal(issues.length === 0, info.urlSchemes.includes(scheme), `${kind} with ${scheme}`);
    }
    assert.match(info.serverHeartbeatAdvice('20 s', 20_000), /20/);
  }
  assert.equal(KIND_INFO.sse.clientHeartbeat, undefined, 'plain SSE has no way back to the server');
});

test('assertNever throws a coded error naming the unexpected value', () => {
  assert.throws(() => assertNever('new-kind' as never), (error: unknown) =>
    error instanceof UnreachableError && error.code === 'SH_ERR_UNREACHABLE' && /"new-kind"/.test(error.message));
});
