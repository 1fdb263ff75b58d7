// Problems-panel entries from live status: one per finding and per failed endpoint, with severity and
// the heartbeat the fix suggests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointStatus, Finding } from '../../../../src/core/model.ts';
import { problemsFor, problemsKey } from '../../../../src/extension/problems/model.ts';

function status(name: string, state: EndpointStatus['state'], extra: Partial<EndpointStatus> = {}): EndpointStatus {
  return { name, kind: 'websocket', url: `wss://x.example/${name}`, state, attempt: 0, findings: [], heartbeatSeconds: 15, idleTimeoutSeconds: 45, ...extra };
}

const IDLE: Finding = {
  finding: 'intermediary-idle-timeout',
  message: 'streams to orders die after 60 s of silence: an intermediary idle timeout, likely nginx; send a heartbeat every 20 s',
  fix: 'Server side: ...',
  evidence: 3,
  estimateMs: 60_000,
  recommendedHeartbeatMs: 20_000,
  match: 'nginx',
};

test('an idle-timeout finding is a warning with the finding id as its code and a heartbeat suggestion', () => {
  const [p, ...rest] = problemsFor([status('orders', 'open', { findings: [IDLE] })]);
  assert.equal(rest.length, 0);
  assert.equal(p!.code, 'intermediary-idle-timeout');
  assert.equal(p!.severity, 'warning');
  assert.equal(p!.endpoint, 'orders');
  assert.match(p!.message, /^orders: streams to orders die after 60 s/);
  assert.equal(p!.suggestedHeartbeatSeconds, 20);
});

test('no heartbeat suggestion when the endpoint already uses the recommended one', () => {
  const [p] = problemsFor([status('orders', 'open', { findings: [IDLE], heartbeatSeconds: 20 })]);
  assert.equal(p!.suggestedHeartbeatSeconds, undefined);
});

test('a failed endpoint is an error naming the reason; healthy endpoints have none', () => {
  const problems = problemsFor([status('a', 'open'), status('b', 'failed', { reason: 'HTTP 401 Unauthorized' })]);
  assert.deepEqual(problems.map((p) => [p.endpoint, p.code, p.severity, p.message]), [['b', 'failed', 'error', 'b: failed: HTTP 401 Unauthorized']]);
});

test('no-server-heartbeat is information: advice before anything drops', () => {
  const finding: Finding = { finding: 'no-server-heartbeat', message: 'm', fix: 'f', evidence: 1 };
  assert.equal(problemsFor([status('a', 'open', { findings: [finding] })])[0]!.severity, 'information');
});

test('the key ignores evidence counts, so a growing finding does not redraw the panel', () => {
  const a = problemsKey(problemsFor([status('a', 'open', { findings: [IDLE] })]));
  const b = problemsKey(problemsFor([status('a', 'open', { findings: [{ ...IDLE, evidence: 9 }] })]));
  assert.equal(a, b);
  assert.notEqual(a, problemsKey([]));
});
