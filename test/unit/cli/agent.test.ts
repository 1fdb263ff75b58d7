// Agent mode without sockets to the outside: settings parsing (file + flags), the metrics a scripted
// stream produces on a loopback /metrics, series removed on reload, OTLP conversion and secret handling.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAgentSettings, resolveOtlpHeaders } from '../../../src/cli/agentConfig.ts';
import { CliConfigError } from '../../../src/cli/endpoints.ts';
import { main } from '../../../src/cli/main.ts';
import { toResourceMetrics } from '../../../src/cli/otlp.ts';
import { parseCommand } from '../../../src/cli/args.ts';
import { cliIo } from '../../support/cliIo.ts';
import { FakeTransportFactory } from '../../support/fakeTransport.ts';

test('metrics settings: file values, flags override, loopback by default, unknown fields warned', () => {
  const { settings, warnings } = parseAgentSettings(
    { listen: '9464', otlp: { endpoint: 'http://collector:4318', headers: { a: 'b' }, intervalSeconds: 5 }, serviceInstanceId: 'eu-1', resourceAttributes: { region: 'eu' }, listn: 1 },
    { otlpHeaders: ['Authorization=Bearer ${secret:otlp}'] },
    'eps.json',
    'host-1',
  );
  assert.deepEqual(settings.listen, { host: '127.0.0.1', port: 9464 });
  assert.deepEqual(settings.otlp, { endpoint: 'http://collector:4318/v1/metrics', headers: { a: 'b', Authorization: 'Bearer ${secret:otlp}' }, intervalSeconds: 5 });
  assert.deepEqual(settings.resourceAttributes, { region: 'eu', 'service.instance.id': 'eu-1' });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /metrics\.listn: unknown field/);
  const flags = parseAgentSettings({ listen: '127.0.0.1:1' }, { metricsListen: '0.0.0.0:9999' }, 'eps.json', 'host-1').settings;
  assert.deepEqual(flags.listen, { host: '0.0.0.0', port: 9999 });
  assert.equal(flags.resourceAttributes['service.instance.id'], 'host-1');
  assert.deepEqual(parseAgentSettings(undefined, { metricsListen: '[::1]:9464' }, 'x').settings.listen, { host: '::1', port: 9464 });
});

test('bad metrics settings are listed together with what to do', () => {
  assert.throws(
    () => parseAgentSettings({ listen: 'localhost', otlp: { endpoint: 'ftp://x', intervalSeconds: 0 }, resourceAttributes: { t: '${secret:x}' } }, {}, 'eps.json'),
    (error: unknown) => {
      assert.ok(error instanceof CliConfigError);
      assert.equal(error.code, 'SH_ERR_CONFIG');
      assert.equal(error.problems.length, 4, error.problems.join('\n'));
      assert.match(error.message, /expected HOST:PORT/);
      assert.match(error.message, /http:\/\/ or https:\/\//);
      assert.match(error.message, /secrets are not allowed in resource attributes/);
      return true;
    },
  );
  assert.throws(() => parseAgentSettings(undefined, { otlpHeaders: ['x=y'] }, 'c'), /need an OTLP endpoint/);
  assert.throws(() => parseAgentSettings(undefined, { otlpEndpoint: 'http://u:p@h/' }, 'c'), /not in the URL/);
  assert.throws(() => parseCommand(['watch', '--url', 'http://x/', '--kind', 'sse', '--log-format', 'xml']), /--log-format must be one of text, json/);
});

test('OTLP header secrets come from STREAM_HEALTH_SECRET_*; a missing one names the variable, not a value', async () => {
  const otlp = { endpoint: 'http://c/v1/metrics', headers: { Authorization: 'Bearer ${secret:otlp-token}' }, intervalSeconds: 1 };
  assert.deepEqual(await resolveOtlpHeaders(otlp, { STREAM_HEALTH_SECRET_OTLP_TOKEN: 'planted-77' }, 'c'), { Authorization: 'Bearer planted-77' });
  await assert.rejects(resolveOtlpHeaders(otlp, {}, 'c'), /STREAM_HEALTH_SECRET_OTLP_TOKEN/);
});

test('OTLP conversion: counters lose _total, histograms become per-bucket counts, all cumulative', () => {
  const rm = toResourceMetrics([
    { name: 'stream_health_drops_total', help: 'h', type: 'counter', aggregator: 'sum', values: [{ labels: { stream: 's', cause: 'reset' }, value: 3 }] },
    { name: 'stream_health_silence_at_drop_seconds', help: 'h', type: 'histogram', aggregator: 'sum', values: [
      { labels: { stream: 's', le: 1 }, value: 1, metricName: 'stream_health_silence_at_drop_seconds_bucket' },
      { labels: { stream: 's', le: 5 }, value: 3, metricName: 'stream_health_silence_at_drop_seconds_bucket' },
      { labels: { stream: 's', le: '+Inf' }, value: 4, metricName: 'stream_health_silence_at_drop_seconds_bucket' },
      { labels: { stream: 's' }, value: 12, metricName: 'stream_health_silence_at_drop_seconds_sum' },
      { labels: { stream: 's' }, value: 4, metricName: 'stream_health_silence_at_drop_seconds_count' },
    ] },
  ] as never, { resourceAttributes: { 'service.instance.id': 'a' }, version: '1.2.3', nowMs: 2_000_500, startTimeOf: () => 1_000_000 });
  const [drops, silence] = rm.scopeMetrics[0]!.metrics as any[];
  assert.equal(drops.descriptor.name, 'stream_health_drops');
  assert.equal(drops.isMonotonic, true);
  assert.equal(drops.aggregationTemporality, 1);
  assert.deepEqual(drops.dataPoints[0].startTime, [1000, 0]);
  assert.deepEqual(drops.dataPoints[0].endTime, [2000, 500_000_000]);
  assert.equal(silence.descriptor.unit, 's');
  assert.deepEqual(silence.dataPoints[0].attributes, { stream: 's' });
  assert.deepEqual(silence.dataPoints[0].value.buckets, { boundaries: [1, 5], counts: [1, 2, 1] });
  assert.equal(silence.dataPoints[0].value.count, 4);
  assert.equal(rm.resource.attributes['service.instance.id'], 'a');
});

const io = cliIo;

async function until<T>(fn: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('timed out');
}

test('watch --metrics-listen serves the stream metrics; a reload removes the series of a dropped endpoint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sh-agent-'));
  try {
    const file = join(dir, 'eps.json');
    const a = { name: 'a', kind: 'sse', url: 'http://127.0.0.1:1/a' };
    const b = { name: 'b', kind: 'sse', url: 'http://127.0.0.1:1/b' };
    writeFileSync(file, JSON.stringify({ metrics: { listen: '127.0.0.1:0' }, endpoints: [a, b] }));
    const fake = new FakeTransportFactory();
    fake.onConnect = (c) => queueMicrotask(() => c.open('SSE, HTTP/1.1').heartbeat('sse-comment').heartbeat('brand-new-kind'));
    const t = io(fake, { STREAM_HEALTH_SECRET_X: 'never-printed-1' });
    const done = main(['watch', '--config', file, '--log-format', 'json'], t.io);
    const listen = await until(async () => /"listen":"([^"]+)"/.exec(t.err())?.[1]);
    const url = `http://${listen}/metrics`;
    const body = await until(async () => {
      const text = await (await fetch(url)).text();
      return text.includes('stream_health_up{stream="b",kind="sse"} 1') ? text : undefined;
    });
    assert.match(body, /stream_health_connect_attempts_total\{stream="a"\} 1/);
    assert.match(body, /stream_health_drops_total\{stream="a",cause="reset"\} 0/);
    assert.match(body, /stream_health_heartbeats_total\{stream="a",direction="in",kind="sse-comment"\} 1/);
    assert.match(body, /stream_health_heartbeats_total\{stream="a",direction="in",kind="other"\} 1/, 'unknown heartbeat kinds are "other"');
    assert.match(body, /stream_health_state\{stream="a",state="open"\} 1/);
    assert.match(body, /stream_health_build_info\{version="0\.0\.0-dev"\} 1/);
    writeFileSync(file, JSON.stringify({ metrics: { listen: '127.0.0.1:0' }, endpoints: [a] }));
    t.reload();
    const after = await (await fetch(url)).text();
    assert.ok(!after.includes('stream="b"'), after);
    assert.match(t.err(), /"removed":\["b"\]/);
    t.interrupt();
    assert.equal(await done, 0);
    await assert.rejects(fetch(url), 'the server is closed on exit');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('watch --metrics-listen on a taken port fails with a clear message', async () => {
  const fake = new FakeTransportFactory();
  const first = io(fake);
  const done = main(['watch', '--url', 'http://127.0.0.1:1/a', '--kind', 'sse', '--metrics-listen', '127.0.0.1:0', '--log-format', 'json'], first.io);
  const listen = await until(async () => /"listen":"([^"]+)"/.exec(first.err())?.[1]);
  const second = io(fake);
  assert.equal(await main(['watch', '--url', 'http://127.0.0.1:1/a', '--kind', 'sse', '--metrics-listen', listen], second.io), 1);
  assert.match(second.err(), /cannot listen on 127\.0\.0\.1:\d+ for \/metrics \(EADDRINUSE\); pick another --metrics-listen/);
  first.interrupt();
  assert.equal(await done, 0);
});
