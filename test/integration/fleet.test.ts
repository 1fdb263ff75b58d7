// Agent mode end to end: the built CLI watches lab servers behind a real nginx (2 s idle timeout),
// a real Prometheus 2.42 scrapes it every second, a loopback OTLP receiver decodes its pushes with the
// official OTLP .proto files; reload (file change, SIGHUP) and SIGTERM against real servers.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import protobuf from 'protobufjs';
import { startLab } from '../../src/lab/main.ts';
import type { RunningLab } from '../../src/lab/main.ts';
import { findBinary } from '../../src/lab/proxies/runner.ts';
import { startMcpV1Server } from '../../src/lab/servers/mcpV1.ts';
import type { McpV1LabServer } from '../../src/lab/servers/mcpV1.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli.cjs');
const SECRET = 'planted-Otlp-Token-5e1d';
const DEADLINE_MS = 25_000;

const PROMETHEUS = findBinary('prometheus');
const PROMTOOL = findBinary('promtool');
// In CI a missing binary fails: scripts/setup.sh installs Debian's prometheus (with promtool).
test('prometheus and promtool are installed', () => {
  assert.ok(PROMETHEUS && PROMTOOL, 'prometheus/promtool missing: run bash scripts/setup.sh (apt-get install prometheus)');
});
const skip = !PROMETHEUS || !PROMTOOL ? 'prometheus/promtool not installed' : false;

let dir = '';
let lab: RunningLab;
let mcp: McpV1LabServer;
let agent: ChildProcess;
let agentOut = '';
let agentErr = '';
let metricsUrl = '';
let prometheus: ChildProcess | undefined;
let promUrl = '';
let configFile = '';
let baseConfig: { endpoints: Record<string, unknown>[]; metrics: Record<string, unknown> };
const otlpRequests: { at: number; auth: string | undefined; body: Record<string, any> }[] = [];
let receiver: http.Server;

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = DEADLINE_MS): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (${String(last)})` : ''}\nagent stderr:\n${agentErr.slice(-2000)}`);
}

async function query(expr: string): Promise<{ status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] }; error?: string }> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return res.json() as Promise<any>;
}

async function scalar(expr: string): Promise<number | undefined> {
  const r = await query(expr);
  const v = r.data?.result?.[0]?.value?.[1];
  return v === undefined ? undefined : Number(v);
}

function decoder(): (buf: Buffer) => Record<string, any> {
  const require = createRequire(import.meta.url);
  const protoRoot = join(dirname(require.resolve('otlp-protos/package.json')), 'build/protos');
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(protoRoot, target);
  root.loadSync('opentelemetry/proto/collector/metrics/v1/metrics_service.proto');
  const type = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');
  return (buf) => type.toObject(type.decode(buf), { enums: String, longs: String, defaults: false });
}

before(async () => {
  if (skip) return;
  await esbuild.build({
    entryPoints: [join(ROOT, 'src/cli/main.ts')], outfile: CLI, bundle: true, platform: 'node', format: 'cjs', target: 'node22',
    external: ['vscode', 'bufferutil', 'utf-8-validate'], banner: { js: '#!/usr/bin/env node' }, logLevel: 'error', sourcemap: 'linked',
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' }, define: { STREAM_HEALTH_VERSION: '"0.0.0-test"' },
  });
  dir = mkdtempSync(join(tmpdir(), 'sh-fleet-'));
  const decode = decoder();
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      assert.equal(req.headers['content-type'], 'application/x-protobuf');
      otlpRequests.push({ at: Date.now(), auth: req.headers.authorization, body: decode(Buffer.concat(chunks)) });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const otlpUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/metrics`;

  [lab, mcp] = await Promise.all([
    startLab({ freezeEverySeconds: 0, proxyIdleSeconds: 2, heartbeatMs: 500, exclude: ['websocket-ping', 'grpc-keepalive', 'grpc-silent', 'mcp-v1-streamable', 'mcp-v1-sse', 'mcp-v2'] }),
    startMcpV1Server({ transport: 'streamable' }),
  ]);
  baseConfig = {
    metrics: {
      listen: '127.0.0.1:0',
      otlp: { endpoint: otlpUrl, headers: { Authorization: 'Bearer ${secret:otlp-token}' }, intervalSeconds: 1 },
      serviceInstanceId: 'agent-a',
      resourceAttributes: { 'deployment.environment.name': 'test' },
    },
    endpoints: [...lab.endpoints, { name: 'mcp-direct', kind: 'mcp', url: mcp.url, heartbeatSeconds: 5 }] as unknown as Record<string, unknown>[],
  };
  configFile = join(dir, 'endpoints.json');
  writeFileSync(configFile, JSON.stringify(baseConfig));
  agent = spawn(process.execPath, [CLI, 'watch', '--config', configFile, '--log-format', 'json'], {
    env: { ...process.env, STREAM_HEALTH_SECRET_OTLP_TOKEN: SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  agent.stdout!.on('data', (d: Buffer) => (agentOut += d));
  agent.stderr!.on('data', (d: Buffer) => (agentErr += d));
  const listen = await until('the agent to listen', () => /"listen":"([^"]+)"/.exec(agentErr)?.[1]);
  metricsUrl = `http://${listen}/metrics`;

  const promPort = await freePort();
  promUrl = `http://127.0.0.1:${promPort}`;
  writeFileSync(join(dir, 'prometheus.yml'), `global: {scrape_interval: 1s, evaluation_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - job_name: stream-health
    static_configs: [{targets: ['${listen}'], labels: {region: test}}]
`);
  prometheus = spawn(PROMETHEUS!, [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`,
    '--storage.tsdb.retention.time=1h',
  ], { stdio: 'ignore' });
  await until('prometheus to be ready', async () => (await fetch(`${promUrl}/-/ready`)).ok || undefined);
});

after(async () => {
  prometheus?.kill('SIGTERM');
  if (agent && agent.exitCode === null) agent.kill('SIGKILL');
  await Promise.allSettled([lab?.stop(), mcp?.close(), new Promise((r) => (receiver ? receiver.close(r) : r(undefined)))]);
  if (prometheus && prometheus.exitCode === null) await new Promise((r) => prometheus!.once('exit', r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('Prometheus scrapes drops, the estimated 2 s idle timeout, and up following a frozen server', { skip }, async () => {
  await until('the target to be up', async () => (await scalar('up{job="stream-health"}')) === 1 || undefined);
  const first = await until('drops of sse-silent', async () => {
    const v = await scalar('sum(stream_health_drops_total{stream="sse-silent",cause!="manual"})');
    return v !== undefined && v > 0 ? v : undefined;
  });
  await until('drops_total to rise', async () => ((await scalar('sum(stream_health_drops_total{stream="sse-silent",cause!="manual"})'))! > first) || undefined);
  const estimate = await until('the idle-timeout estimate', () => scalar('stream_health_diagnosis_idle_timeout_estimate_seconds{stream="sse-silent",region="test"}'));
  assert.ok(Math.abs(estimate - 2) <= 0.2, `estimate ${estimate} s, expected 2 s within 10 %`);
  const info = await query('stream_health_diagnosis_info{stream="sse-silent"} == 1');
  assert.deepEqual(info.data.result.map((r) => r.metric.finding), ['intermediary-idle-timeout']);
  // Silent death: the frozen server keeps its TCP connection, so only the watchdog (3 s) can tell.
  await until('freezer up', async () => (await scalar('stream_health_up{stream="freezer"}')) === 1 || undefined);
  lab.freezer!.freeze();
  try {
    await until('freezer down after SIGSTOP', async () => (await scalar('stream_health_up{stream="freezer"}')) === 0 || undefined);
  } finally {
    lab.freezer!.thaw();
  }
  await until('freezer up again after SIGCONT', async () => (await scalar('stream_health_up{stream="freezer"}')) === 1 || undefined);
  assert.equal(await scalar('stream_health_up{stream="sse-heartbeat",kind="sse"}'), 1);
});

test('every panel expression of the Grafana dashboard evaluates against Prometheus', { skip }, async () => {
  const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/stream-health.json'), 'utf8'));
  assert.equal(dashboard.templating.list.find((v: any) => v.name === 'datasource')?.type, 'datasource');
  const streamVar = dashboard.templating.list.find((v: any) => v.name === 'stream');
  assert.ok(streamVar, 'a stream variable');
  const series = await (await fetch(`${promUrl}/api/v1/series?match[]=stream_health_up`)).json() as any;
  assert.equal(series.status, 'success');
  const exprs: string[] = dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));
  assert.ok(exprs.length >= 8);
  for (const panelType of ['heatmap', 'state-timeline', 'table', 'timeseries']) assert.ok(dashboard.panels.some((p: any) => p.type === panelType), panelType);
  for (const expr of exprs) {
    const concrete = expr.replaceAll('$stream', '.*').replaceAll('$__rate_interval', '1m').replaceAll('$__range', '5m');
    const r = await query(concrete);
    assert.equal(r.status, 'success', `${concrete}: ${r.error}`);
  }
  const drops = await query('sum by (stream, cause) (increase(stream_health_drops_total{stream=~".*", cause!="manual"}[1m]))');
  assert.ok(drops.data.result.length > 0);
});

test('promtool: /metrics lints clean; the shipped alerting rules check and pass their unit tests', { skip }, async () => {
  const body = await (await fetch(metricsUrl)).text();
  assert.ok(!body.includes(SECRET));
  const lint = spawnSync(PROMTOOL!, ['check', 'metrics'], { input: body, encoding: 'utf8' });
  assert.equal(lint.status, 0, lint.stdout + lint.stderr);
  assert.equal((lint.stdout + lint.stderr).trim(), '');
  const rulesDir = join(ROOT, 'deploy/prometheus');
  const check = spawnSync(PROMTOOL!, ['check', 'rules', 'alerts.yml'], { cwd: rulesDir, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  const unit = spawnSync(PROMTOOL!, ['test', 'rules', 'alerts.test.yml'], { cwd: rulesDir, encoding: 'utf8' });
  assert.equal(unit.status, 0, unit.stdout + unit.stderr);
  const health = await fetch(metricsUrl.replace('/metrics', '/healthz'));
  const ready = await fetch(metricsUrl.replace('/metrics', '/readyz'));
  assert.deepEqual([health.status, ready.status], [200, 200]);
});

test('OTLP pushes decode with the official protos: names, resource and point attributes, cumulative temporality', { skip }, async () => {
  const req = await until('an OTLP request with drops', () => [...otlpRequests].reverse().find((r) => JSON.stringify(r.body).includes('"sse-silent"')));
  assert.equal(req.auth, `Bearer ${SECRET}`);
  const rm = req.body.resourceMetrics[0];
  const resource = Object.fromEntries(rm.resource.attributes.map((a: any) => [a.key, a.value.stringValue]));
  assert.equal(resource['service.name'], 'stream-health');
  assert.equal(resource['service.instance.id'], 'agent-a');
  assert.equal(resource['deployment.environment.name'], 'test');
  const metrics = new Map<string, any>(rm.scopeMetrics[0].metrics.map((m: any) => [m.name, m]));
  for (const name of ['stream_health_up', 'stream_health_state', 'stream_health_build_info', 'stream_health_drops', 'stream_health_connect_attempts', 'stream_health_silence_at_drop_seconds', 'stream_health_stream_age_at_drop_seconds']) {
    assert.ok(metrics.has(name), `${name} in ${[...metrics.keys()].join(', ')}`);
  }
  const drops = metrics.get('stream_health_drops');
  assert.equal(drops.sum.aggregationTemporality, 'AGGREGATION_TEMPORALITY_CUMULATIVE');
  assert.equal(drops.sum.isMonotonic, true);
  const silentReset = drops.sum.dataPoints.find((p: any) => p.attributes.some((a: any) => a.key === 'stream' && a.value.stringValue === 'sse-silent') && p.attributes.some((a: any) => a.key === 'cause' && a.value.stringValue === 'reset'));
  assert.ok(silentReset && silentReset.asDouble > 0, JSON.stringify(drops.sum.dataPoints.slice(0, 3)));
  const silence = metrics.get('stream_health_silence_at_drop_seconds');
  assert.equal(silence.unit, 's');
  assert.equal(silence.histogram.aggregationTemporality, 'AGGREGATION_TEMPORALITY_CUMULATIVE');
  const point = silence.histogram.dataPoints.find((p: any) => p.attributes.some((a: any) => a.value.stringValue === 'sse-silent'));
  assert.ok(Number(point.count) > 0);
  assert.equal(point.bucketCounts.length, point.explicitBounds.length + 1);
  assert.equal(point.bucketCounts.reduce((a: number, b: string) => a + Number(b), 0), Number(point.count));
  assert.ok(BigInt(point.startTimeUnixNano) < BigInt(point.timeUnixNano));
  assert.ok(metrics.get('stream_health_up').gauge.dataPoints.length >= 4);
});

test('a changed --config file and SIGHUP reload the endpoint list, restarting only the changed entries', { skip }, async () => {
  const connects = (name: string) => agentOut.split('\n').filter((l) => l.includes(`"endpoint":"${name}"`) && l.includes('"event":"connecting"')).length;
  await until('freezer open', async () => (await scalar('stream_health_up{stream="freezer"}')) === 1 || undefined);
  const before = { freezer: connects('freezer'), mcp: connects('mcp-direct') };
  const heartbeat = baseConfig.endpoints.find((e) => e.name === 'sse-heartbeat')!;
  const next = {
    ...baseConfig,
    endpoints: [...baseConfig.endpoints.filter((e) => e.name !== 'sse-heartbeat'), { ...heartbeat, name: 'sse-added' }],
  };
  writeFileSync(configFile, JSON.stringify(next));
  await until('the reload log line', () => agentErr.includes('"reload":"config file changed"') || undefined);
  const body = await until('/metrics to follow the new list', async () => {
    const text = await (await fetch(metricsUrl)).text();
    return !text.includes('stream="sse-heartbeat"') && text.includes('stream_health_up{stream="sse-added",kind="sse"} 1') ? text : undefined;
  });
  assert.ok(body.includes('stream="freezer"'));
  assert.deepEqual({ freezer: connects('freezer'), mcp: connects('mcp-direct') }, before, 'unchanged endpoints kept their streams');
  const reloadLine = JSON.parse(agentErr.split('\n').find((l) => l.includes('"reload":"config file changed"'))!);
  assert.deepEqual([reloadLine.added, reloadLine.removed, reloadLine.changed], [['sse-added'], ['sse-heartbeat'], []]);
  // A half-written file keeps what runs (an error line, no stream touched).
  writeFileSync(configFile, '{"endpoints": [');
  await until('the failed-reload line', () => agentErr.includes('still running the previous endpoint list') || undefined);
  assert.ok((await (await fetch(metricsUrl)).text()).includes('stream_health_up{stream="sse-added",kind="sse"}'));
  writeFileSync(configFile, JSON.stringify(next));
  // SIGHUP re-reads the file; nothing changed, so nothing restarts.
  const sessionsBefore = mcp.stats.sessions;
  agent.kill('SIGHUP');
  await until('the SIGHUP reload', () => agentErr.includes('"reload":"SIGHUP"') || undefined);
  assert.equal(mcp.stats.sessions, sessionsBefore);
  assert.deepEqual({ freezer: connects('freezer'), mcp: connects('mcp-direct') }, before);
});

test('SIGTERM closes every stream (MCP DELETE), pushes a last OTLP export and exits 0', { skip }, async () => {
  await until('an MCP session', () => mcp.stats.sessions > 0 || undefined);
  const killedAt = Date.now();
  const exited = new Promise<number | null>((r) => agent.once('exit', (code) => r(code)));
  agent.kill('SIGTERM');
  const code = await exited;
  assert.equal(code, 0, agentErr.slice(-2000));
  assert.equal(mcp.stats.sessions, 0, 'the MCP session got its DELETE');
  const last = otlpRequests.filter((r) => r.at >= killedAt);
  assert.ok(last.length >= 1, 'an OTLP export after SIGTERM');
  const up = last.at(-1)!.body.resourceMetrics[0].scopeMetrics[0].metrics.find((m: any) => m.name === 'stream_health_up');
  assert.ok(up.gauge.dataPoints.some((p: any) => p.asDouble === 1), 'the last export still shows the streams up');
  for (const text of [agentOut, agentErr]) assert.ok(!text.includes(SECRET), 'the OTLP token never reaches the output');
});
