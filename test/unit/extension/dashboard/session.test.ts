// The extension side of the dashboard without VS Code: ready handshake, snapshot vs update,
// batching, validated actions, and silence after dispose.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StreamEvent } from '../../../../src/core/events.ts';
import type { EndpointStatus } from '../../../../src/core/model.ts';
import type { BatchTimers } from '../../../../src/extension/dashboard/batcher.ts';
import type { DashboardModel } from '../../../../src/extension/dashboard/model.ts';
import { DashboardSession } from '../../../../src/extension/dashboard/session.ts';
import type { ToWebviewMessage } from '../../../../src/shared/protocol.ts';
import { event, history, NOW, status } from '../../webview/fixtures.ts';

class FakeModel implements DashboardModel {
  endpoints: EndpointStatus[] = [status({ name: 'a' })];
  listeners = new Set<(e: StreamEvent | undefined) => void>();
  calls: string[] = [];
  failMeasure = false;
  status() { return this.endpoints; }
  history() { return { schemaVersion: 1 as const, savedAt: '', endpoints: { a: history() } }; }
  onDidChange(listener: (e: StreamEvent | undefined) => void) {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }
  blocked() { return [{ name: 'ws', reason: 'untrusted' }]; }
  invalidEntries() { return ['User settings: endpoints[1].url: not a URL (entry "typo")']; }
  ignoredFields() { return ['User settings: endpoints[0].heartbeatSecond: unknown field, ignored; did you mean "heartbeatSeconds"? (entry "a")']; }
  reconnect(e?: string) { this.calls.push(`reconnect ${e}`); }
  pause(e?: string) { this.calls.push(`pause ${e}`); }
  resume(e?: string) { this.calls.push(`resume ${e}`); }
  async measureIdle(e: string) {
    this.calls.push(`measureIdle ${e}`);
    if (this.failMeasure) throw new Error('probe refused');
  }
  async signIn(e: string) {
    this.calls.push(`signIn ${e}`);
  }
  async exportReport(f: 'json' | 'csv') { this.calls.push(`export ${f}`); }
  emit(e: StreamEvent | undefined) { for (const l of this.listeners) l(e); }
}

function setup() {
  let mono = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let id = 0;
  const api: BatchTimers = {
    setTimeout: (fn, ms) => (timers.push({ at: mono + ms, fn, id: ++id }), id),
    clearTimeout: (h) => void (timers = timers.filter((t) => t.id !== h)),
  };
  const advance = (ms: number) => {
    const until = mono + ms;
    for (let t = timers.sort((a, b) => a.at - b.at)[0]; t && t.at <= until; t = timers.sort((a, b) => a.at - b.at)[0]) {
      timers.shift();
      mono = t.at;
      t.fn();
    }
    mono = until;
  };
  const model = new FakeModel();
  const posted: ToWebviewMessage[] = [];
  const copied: string[] = [];
  const failures: string[] = [];
  const session = new DashboardSession(model, { post: (m) => posted.push(m) }, {
    copy: (text, label) => copied.push(`${label}: ${text}`),
    reportFailure: (action, error) => failures.push(`${action}: ${(error as Error).message}`),
  }, { timers: api, monotonicNow: () => mono, wallNow: () => NOW });
  return { model, posted, copied, failures, session, advance, pending: () => timers.length };
}

const hb = (i: number) => event<'heartbeat'>(NOW + i, 'a', { event: 'heartbeat', direction: 'in', kind: 'ws-pong' });

test('nothing is posted before ready; ready gets a full snapshot', () => {
  const { model, posted, session, advance } = setup();
  const initial = session.initialState();
  assert.equal(initial.snapshot.type, 'snapshot');
  assert.deepEqual(initial.snapshot.blocked, [{ name: 'ws', reason: 'untrusted' }]);
  assert.deepEqual(initial.snapshot.invalid, ['User settings: endpoints[1].url: not a URL (entry "typo")']);
  assert.deepEqual(initial.snapshot.ignored, ['User settings: endpoints[0].heartbeatSecond: unknown field, ignored; did you mean "heartbeatSeconds"? (entry "a")']);
  model.emit(hb(1));
  advance(1000);
  assert.equal(posted.length, 0);
  session.receive({ type: 'ready' });
  assert.equal(posted.length, 1);
  assert.equal(posted[0]!.type, 'snapshot');
  assert.equal(session.isReady, true);
});

test('events after ready go out as batched updates, at most one per 250 ms', () => {
  const { model, posted, session, advance } = setup();
  session.receive({ type: 'ready' });
  posted.length = 0;
  for (let i = 0; i < 100; i++) {
    model.emit(hb(i));
    advance(10);
  }
  advance(300);
  assert.ok(posted.length >= 4 && posted.length <= 5, `${posted.length} updates in 1.3 s`);
  assert.ok(posted.every((m) => m.type === 'update'));
  assert.equal(posted.reduce((n, m) => n + (m.type === 'update' ? m.events.length : 0), 0), 100);
});

test('a changed endpoint set turns the next flush into a snapshot', () => {
  const { model, posted, session, advance } = setup();
  session.receive({ type: 'ready' });
  posted.length = 0;
  model.endpoints = [status({ name: 'a' }), status({ name: 'b' })];
  model.emit(undefined);
  advance(300);
  assert.deepEqual(posted.map((m) => m.type), ['snapshot']);
  model.emit(hb(1));
  advance(300);
  assert.deepEqual(posted.map((m) => m.type), ['snapshot', 'update']);
});

test('a hidden panel gets nothing; shown again, it is caught up with a snapshot', () => {
  const { model, posted, session, advance } = setup();
  session.receive({ type: 'ready' });
  session.setVisible(false);
  posted.length = 0;
  model.emit(hb(1));
  advance(300);
  assert.equal(posted.length, 0);
  session.setVisible(true);
  advance(300);
  assert.deepEqual(posted.map((m) => m.type), ['snapshot'], 'a kept webview is caught up');
  // A webview VS Code reloaded says ready again and gets its own snapshot.
  session.receive({ type: 'ready' });
  assert.deepEqual(posted.map((m) => m.type), ['snapshot', 'snapshot']);
  model.emit(hb(2));
  advance(300);
  assert.deepEqual(posted.map((m) => m.type), ['snapshot', 'snapshot', 'update']);
});

test('actions reach the model; failures are reported; malformed messages are ignored', async () => {
  const { model, copied, failures, session } = setup();
  session.receive({ type: 'reconnect', endpoint: 'a' });
  session.receive({ type: 'pause', endpoint: 'a' });
  session.receive({ type: 'resume', endpoint: 'a' });
  session.receive({ type: 'exportReport', format: 'csv' });
  session.receive({ type: 'copy', text: 'proxy_read_timeout 300s;', label: 'nginx' });
  session.receive({ type: 'reconnect' });
  session.receive({ type: 'exportReport', format: 'pdf' });
  session.receive('ready');
  model.failMeasure = true;
  session.receive({ type: 'measureIdle', endpoint: 'a' });
  session.receive({ type: 'signIn', endpoint: 'a' });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(model.calls, ['reconnect a', 'pause a', 'resume a', 'export csv', 'measureIdle a', 'signIn a']);
  assert.deepEqual(copied, ['nginx: proxy_read_timeout 300s;']);
  assert.deepEqual(failures, ['Measure Idle Timeout: probe refused']);
});

test('after dispose: no posts, no model subscription, no timers, actions ignored', () => {
  const { model, posted, session, advance, pending } = setup();
  session.receive({ type: 'ready' });
  model.emit(hb(1));
  posted.length = 0;
  session.dispose();
  session.dispose();
  assert.equal(model.listeners.size, 0);
  assert.equal(pending(), 0);
  advance(1000);
  session.receive({ type: 'ready' });
  session.receive({ type: 'reconnect', endpoint: 'a' });
  session.requestResync();
  advance(1000);
  assert.deepEqual(posted, []);
  assert.deepEqual(model.calls, []);
});
