// `watch` and `probe-idle` driven through main() with a scripted transport: output modes, exit codes,
// secrets kept out of the output.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../../../src/cli/main.ts';
import { cliIo } from '../../support/cliIo.ts';
import { FakeTransportFactory } from '../../support/fakeTransport.ts';

const io = cliIo;

test('watch --json prints one event per line and exits 0 at --duration', async () => {
  const fake = new FakeTransportFactory();
  fake.onConnect = (c) => queueMicrotask(() => c.open('SSE, HTTP/1.1').heartbeat('sse-comment').data(7));
  const t = io(fake);
  const code = await main(['watch', '--url', 'http://127.0.0.1:1/e', '--kind', 'sse', '--duration', '0.2', '--json'], t.io);
  assert.equal(code, 0);
  const events = t.out().trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(events.map((e) => e.event), ['connecting', 'open', 'heartbeat']);
  assert.deepEqual(Object.keys(events[2]), ['ts', 'endpoint', 'event', 'direction', 'kind']);
  assert.equal(fake.last.closed?.cause, 'manual', 'stream closed on exit');
});

test('watch --json --verbose adds message events', async () => {
  const fake = new FakeTransportFactory();
  fake.onConnect = (c) => queueMicrotask(() => c.open().data(7));
  const t = io(fake);
  await main(['watch', '--url', 'http://127.0.0.1:1/e', '--kind', 'sse', '--duration', '0.1', '--json', '--verbose'], t.io);
  assert.ok(t.out().includes('"event":"message","bytes":7'));
});

test('Ctrl-C closes the streams and exits 0; human lines when not a terminal', async () => {
  const fake = new FakeTransportFactory();
  fake.onConnect = (c) => queueMicrotask(() => c.open('SSE'));
  const t = io(fake);
  const done = main(['watch', '--url', 'http://127.0.0.1:1/e', '--kind', 'sse'], t.io);
  await new Promise((r) => setTimeout(r, 50));
  t.interrupt();
  assert.equal(await done, 0);
  assert.match(t.out(), /127\.0\.0\.1:1\/e open: SSE/);
  assert.match(t.out(), /summary:\n  127\.0\.0\.1:1\/e: 0 drops/);
  assert.equal(fake.last.closed?.cause, 'manual');
});

test('every endpoint failed: exit 1 with the reason, and the secret never printed', async () => {
  const fake = new FakeTransportFactory();
  fake.onConnect = (c) => queueMicrotask(() => c.end({ error: 'http-status', httpStatus: 401, detail: `HTTP 401: bad token ${c.context.config.headers.Authorization}`, retryable: false }));
  const t = io(fake, { STREAM_HEALTH_SECRET_TOK: 'planted-secret-42' });
  const file = `/tmp/sh-watch-test-${process.pid}.json`;
  const { writeFileSync, rmSync } = await import('node:fs');
  writeFileSync(file, JSON.stringify({ endpoints: [{ name: 'a', kind: 'sse', url: 'http://127.0.0.1:1/e', headers: { Authorization: 'Bearer ${secret:tok}' } }] }));
  try {
    const code = await main(['watch', '--config', file, '--duration', '5'], t.io);
    assert.equal(code, 1);
    assert.equal(fake.last.context.config.headers.Authorization, 'Bearer planted-secret-42');
    assert.match(t.err(), /every endpoint failed: a: HTTP 401: bad token Bearer \*\*\*/);
    assert.ok(!(t.out() + t.err()).includes('planted-secret-42'));
  } finally {
    rmSync(file, { force: true });
  }
});

test('a missing secret names the environment variable to set', async () => {
  const fake = new FakeTransportFactory();
  const { writeFileSync, rmSync } = await import('node:fs');
  const file = `/tmp/sh-watch-secret-${process.pid}.json`;
  writeFileSync(file, JSON.stringify({ endpoints: [{ name: 'a', kind: 'sse', url: 'http://127.0.0.1:1/e', headers: { 'X-Key': '${secret:orders-key}' } }] }));
  try {
    const t2 = io(fake);
    assert.equal(await main(['watch', '--config', file, '--json'], t2.io), 1);
    assert.match(t2.out(), /"event":"error","cause":"config","message":"a: secret \\"orders-key\\" is not set\. Set it in the environment: export STREAM_HEALTH_SECRET_ORDERS_KEY=\.\.\./);
    assert.equal(fake.connections.length, 0);
  } finally {
    rmSync(file, { force: true });
  }
});

test('watch --config prints each unknown field as a warning on stderr and keeps watching the entry', async () => {
  const fake = new FakeTransportFactory();
  fake.onConnect = (c) => queueMicrotask(() => c.open('SSE'));
  const { writeFileSync, rmSync } = await import('node:fs');
  const file = `/tmp/sh-watch-unknown-${process.pid}.json`;
  writeFileSync(file, JSON.stringify({ endpoints: [{ name: 'a', kind: 'sse', url: 'http://127.0.0.1:1/e', heartbeatSecond: 5 }] }));
  try {
    const t = io(fake);
    assert.equal(await main(['watch', '--config', file, '--duration', '0.1', '--json'], t.io), 0);
    assert.equal(t.err(), `stream-health: warning: ${file}: endpoints[0].heartbeatSecond: unknown field, ignored; did you mean "heartbeatSeconds"?\n`);
    assert.match(t.out(), /"endpoint":"a","event":"open"/);
    assert.equal(fake.last.context.config.heartbeatSeconds, 15, 'the misspelt field did not set the heartbeat');
  } finally {
    rmSync(file, { force: true });
  }
});

test('usage and configuration errors exit 2 with the message on stderr', async () => {
  const t = io(new FakeTransportFactory());
  assert.equal(await main(['watch', '--nope'], t.io), 2);
  assert.match(t.err(), /Unknown option '--nope'\nRun "stream-health --help"/);
  assert.doesNotMatch(t.err(), /Usage:/, 'the one-line error is not buried under the full help');
  const t0 = io(new FakeTransportFactory());
  assert.equal(await main([], t0.io), 2, 'no command is a usage error');
  assert.match(t0.err(), /a command is required/);
  const t2 = io(new FakeTransportFactory());
  assert.equal(await main(['watch', '--url', 'ftp://x', '--kind', 'sse'], t2.io), 2);
  assert.match(t2.err(), /--url: sse endpoints need a http: or https: URL, not ftp:/);
  const t3 = io(new FakeTransportFactory());
  assert.equal(await main(['--help'], t3.io), 0);
  assert.match(t3.out(), /stream-health probe-idle --url URL --kind KIND/);
});

test('probe-idle --json reports the measured silence; connect failure exits 1', async () => {
  const fake = new FakeTransportFactory();
  fake.onConnect = (c) => queueMicrotask(() => {
    c.open('SSE');
    setTimeout(() => c.end({ cause: 'reset', detail: 'terminated' }), 600);
  });
  const t = io(fake);
  assert.equal(await main(['probe-idle', '--url', 'http://127.0.0.1:1/e', '--kind', 'sse', '--max', '10', '--json'], t.io), 0);
  const result = JSON.parse(t.out());
  assert.equal(result.event, 'probe-idle');
  assert.equal(result.survived, false);
  assert.ok(result.silenceMs >= 550 && result.silenceMs < 5000, `silence ${result.silenceMs}`);
  assert.equal(result.cause, 'reset');
  assert.ok(result.recommendedHeartbeatMs >= 100 && result.recommendedHeartbeatMs <= result.silenceMs / 3);

  const failing = new FakeTransportFactory();
  failing.onConnect = (c) => queueMicrotask(() => c.end({ error: 'connect-failed', detail: 'connect ECONNREFUSED 127.0.0.1:1' }));
  const t2 = io(failing);
  assert.equal(await main(['probe-idle', '--url', 'http://127.0.0.1:1/e', '--kind', 'sse'], t2.io), 1);
  assert.match(t2.err(), /could not open the stream: connect ECONNREFUSED/);
});

test('watch line output follows a diagnosis with its fix and the concrete fix lines; --json does not', async () => {
  const { FakeClock } = await import('../../support/fakeClock.ts');
  const run = async (json: boolean): Promise<string> => {
    const clock = new FakeClock();
    const fake = new FakeTransportFactory();
    // Each stream opens, stays silent for 60 s and is cut: a 60 s intermediary idle timeout, three times.
    fake.onConnect = (c) => queueMicrotask(() => {
      c.open('SSE');
      clock.setTimeout(() => c.end({ cause: 'reset', detail: 'terminated' }), 60_000);
    });
    const t = io(fake);
    const done = main(['watch', '--url', 'http://127.0.0.1:1/events', '--kind', 'sse', '--idle-timeout', '0', ...(json ? ['--json'] : [])], { ...t.io, clock });
    for (let i = 0; i < 4 && !t.out().includes('DIAGNOSIS') && !t.out().includes('"diagnosis"'); i++) await clock.advanceAsync(120_000, 1_000);
    t.interrupt();
    assert.equal(await done, 0);
    return t.out();
  };
  const lines = (await run(false)).split('\n');
  const at = lines.findIndex((l) => l.includes('DIAGNOSIS intermediary-idle-timeout'));
  assert.ok(at >= 0, lines.join('\n'));
  assert.match(lines[at + 1]!, /^ {2}fix: Server side: have the server write an SSE comment line/);
  assert.equal(lines[at + 2], '  server: sseHeartbeat(res, { intervalMs: 20_000 }) on the open event-stream response (src/serverKeepalive)');
  assert.equal(lines[at + 3], '  nginx: proxy_read_timeout 300s; proxy_send_timeout 300s;', 'the matched proxy (60 s: nginx) only');
  assert.equal(lines[at + 4], '  client: "heartbeatSeconds": 20, "idleTimeoutSeconds": 60');
  const json = await run(true);
  assert.ok(json.includes('"event":"diagnosis"'));
  assert.ok(!json.includes('sseHeartbeat'), 'NDJSON is unchanged: events only');
});
