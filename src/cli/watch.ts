// `stream-health watch`: runs the Monitor over the configured endpoints and renders its events as
// NDJSON, as plain lines, or as a live table redrawn in place on a terminal.

import { unwatchFile, watchFile } from 'node:fs';
import type { Stats } from 'node:fs';
import type { EndpointConfig } from '../core/config.ts';
import type { StreamEvent } from '../core/events.ts';
import { FindingNews } from '../core/findingNews.ts';
import { Monitor } from '../core/monitor.ts';
import { needsSignIn } from '../core/model.ts';
import type { EndpointStatus } from '../core/model.ts';
import { redact, redactUrl } from '../core/secrets.ts';
import { deepEqual, errorMessage } from '../core/util.ts';
import { Agent } from './agent.ts';
import type { AgentLog } from './agent.ts';
import { parseAgentSettings, resolveOtlpHeaders } from './agentConfig.ts';
import type { WatchCommand } from './args.ts';
import { loadDiscovered } from './discover.ts';
import { envSecretResolver, envSecretValues, loadEndpoints, secretHint } from './endpoints.ts';
import type { CliIo } from './io.ts';
import { lineWriter } from './io.ts';
import { eventLine, findingLines, fit, fixSnippetLines, ndjson, renderTable, wrap } from './render.ts';
import { EXIT } from './usage.ts';

/** How often the live table refreshes its clocks (stream age, "x s ago"). */
const TABLE_REFRESH_MS = 1000;
/** How often a --config file is checked for changes (stat polling). */
const CONFIG_POLL_MS = 1000;
/** Recent notable event lines kept under the live table. */
const TABLE_LOG_LINES = 8;

export async function runWatch(command: WatchCommand, io: CliIo): Promise<number> {
  const loaded = command.discover
    ? loadDiscovered(command, io)
    : { ...loadEndpoints({ ...command, env: io.env }), resolveSecret: envSecretResolver(io.env), secrets: envSecretValues(io.env) };
  let endpoints = loaded.endpoints;
  const { resolveSecret, secrets } = loaded;
  const source = command.configFile ?? (command.discover ? 'discovered MCP servers' : 'command line');
  const out = lineWriter(io.stdout, secrets);
  const err = lineWriter(io.stderr, secrets);
  const jsonLogs = command.logFormat === 'json';
  const json = command.json || jsonLogs;
  const log: AgentLog = (level, message, fields = {}) => {
    if (jsonLogs) err(JSON.stringify({ ts: new Date().toISOString(), level, msg: message, ...fields }));
    else err(`stream-health: ${level === 'info' ? '' : level === 'warn' ? 'warning: ' : 'error: '}${message}`);
  };
  // An ignored field is not fatal (it may come from a newer version), but a typo must not pass unseen.
  const { settings, warnings: agentWarnings } = parseAgentSettings('metrics' in loaded ? loaded.metrics : undefined, command, source);
  for (const warning of [...loaded.warnings, ...agentWarnings]) log('warn', warning);
  const otlpHeaders = settings.otlp ? await resolveOtlpHeaders(settings.otlp, io.env, source) : {};
  const monitor = new Monitor({
    transportFactory: io.transportFactory,
    ...(io.clock ? { clock: io.clock } : {}),
    resolveSecret,
    secretHint,
    emitMessages: command.verbose,
    // Warnings are not events (docs/design.md): with --verbose they go to stderr, keeping NDJSON clean.
    ...(command.verbose ? { onWarning: (endpoint: string, message: string) => log('warn', `${endpoint}: ${message}`, { stream: endpoint }) } : {}),
  });
  const agent = settings.listen || settings.otlp ? new Agent({ settings, otlpHeaders, monitor, log }) : undefined;
  if (agent) {
    try {
      await agent.start();
    } catch (error) {
      monitor.dispose();
      throw error;
    }
  }
  const live = !json && io.stdout.isTTY === true;
  const view = live ? new LiveView(monitor, io, secrets) : undefined;

  return new Promise<number>((resolve) => {
    let finished = false;
    // The core's timers are unref'd; this ref'd ticker keeps the process up while we watch.
    const ticker = setInterval(() => view?.draw(), TABLE_REFRESH_MS);
    const durationTimer = command.durationSeconds !== undefined ? setTimeout(() => void finish(EXIT.ok), command.durationSeconds * 1000) : undefined;
    const removeInterrupt = io.onInterrupt(() => void finish(EXIT.ok));

    const reload = (why: string) => {
      if (finished) return;
      let next;
      try {
        next = loadEndpoints({ ...command, env: io.env });
      } catch (error) {
        // A half-edited file must not take the running streams down: keep what runs.
        log('error', `reload (${why}) failed, still running the previous endpoint list: ${errorMessage(error)}`);
        return;
      }
      for (const warning of next.warnings) log('warn', warning);
      const change = diffEndpoints(endpoints, next.endpoints);
      endpoints = next.endpoints;
      // Monitor.update restarts only the entries whose config changed.
      monitor.update(endpoints);
      agent?.sync(endpoints);
      log('info', `reloaded (${why}): ${endpoints.length} endpoint(s); added ${list(change.added)}, removed ${list(change.removed)}, changed ${list(change.changed)}`, { reload: why, ...change });
    };
    const removeReload = io.onReload?.(() => reload('SIGHUP'));
    const configFile = command.configFile;
    const onFileChange = (current: Stats, previous: Stats) => {
      if (current.mtimeMs !== previous.mtimeMs || current.size !== previous.size) reload('config file changed');
    };
    // Polling (not fs.watch) sees a Kubernetes ConfigMap update, which swaps a symlink, and editors' atomic renames.
    if (configFile !== undefined) watchFile(configFile, { interval: CONFIG_POLL_MS, persistent: false }, onFileChange);

    const finish = async (code: number, reason?: string) => {
      if (finished) return;
      finished = true;
      clearInterval(ticker);
      if (durationTimer) clearTimeout(durationTimer);
      removeInterrupt();
      removeReload?.();
      if (configFile !== undefined) unwatchFile(configFile, onFileChange);
      view?.draw();
      // Closing sends what each protocol expects (MCP DELETE, WS close) before we exit.
      if (agent) {
        agent.beginShutdown();
        await agent.stop(() => monitor.dispose());
      } else {
        monitor.dispose();
      }
      if (!json) printSummary(endpoints, monitor, out, view !== undefined);
      if (reason) log('error', reason);
      resolve(code);
    };

    // Human lines print a finding when it is news (core/findingNews.ts); NDJSON keeps every event.
    const findingNews = new FindingNews();
    monitor.onEvent((event) => {
      if (json) out(ndjson(event));
      else if (view) view.event(event);
      else if (event.event !== 'diagnosis' || findingNews.isNews(event.endpoint, event)) printEventLine(event, command.verbose, monitor, endpoints, out);
    });
    monitor.onTransition(() => {
      const status = monitor.status();
      // With nothing left to retry, waiting longer cannot change the outcome.
      if (status.length > 0 && status.every((s) => s.state === 'failed')) {
        queueMicrotask(() => void finish(EXIT.runtime, `every endpoint failed: ${status.map((s) => `${s.name}: ${s.reason ?? 'failed'}${signInHint(s, endpoints)}`).join('; ')}`));
      }
    });
    agent?.sync(endpoints);
    monitor.update(endpoints);
    view?.draw();
  });
}

interface EndpointChange {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
}

function diffEndpoints(before: readonly EndpointConfig[], after: readonly EndpointConfig[]): EndpointChange {
  const old = new Map(before.map((e) => [e.name, e]));
  const names = new Set(after.map((e) => e.name));
  return {
    added: after.filter((e) => !old.has(e.name)).map((e) => e.name),
    removed: before.filter((e) => !names.has(e.name)).map((e) => e.name),
    changed: after.filter((e) => old.has(e.name) && !deepEqual(old.get(e.name), e)).map((e) => e.name),
  };
}

function list(names: readonly string[]): string {
  return names.length ? names.join(', ') : 'none';
}

/** For an endpoint that needs sign-in, the command that does it. */
function signInHint(status: EndpointStatus, endpoints: readonly EndpointConfig[]): string {
  const config = endpoints.find((e) => e.name === status.name);
  return needsSignIn(status) && config ? `; run: stream-health login --url ${redactUrl(config.url)}` : '';
}

function printEventLine(event: StreamEvent, verbose: boolean, monitor: Monitor, endpoints: readonly EndpointConfig[], out: (line: string) => void): void {
  if (!verbose && (event.event === 'heartbeat' || event.event === 'message')) return;
  out(eventLine(event));
  if (event.event === 'diagnosis') {
    const finding = monitor.findingsFor(event.endpoint).find((f) => f.finding === event.finding);
    if (!finding) return;
    out(`  fix: ${finding.fix}`);
    const endpoint = endpoints.find((e) => e.name === event.endpoint);
    if (endpoint) for (const line of fixSnippetLines(finding, endpoint)) out(line);
  }
}

function printSummary(endpoints: readonly EndpointConfig[], monitor: Monitor, out: (line: string) => void, afterTable: boolean): void {
  const history = monitor.history();
  if (!afterTable) out('');
  out('summary:');
  for (const e of endpoints) {
    const h = history.endpoints[e.name];
    const drops = h ? h.drops.filter((d) => d.cause !== 'manual').length : 0;
    const findings = monitor.findingsFor(e.name);
    out(`  ${e.name}: ${drops} drop${drops === 1 ? '' : 's'}, ${h?.heartbeats.in.count ?? 0} server heartbeat(s), ${findings.length ? findings.map((f) => f.finding).join(', ') : 'no findings'}`);
  }
}

/** The live table on a terminal: redrawn in place, recent events and every finding in full below it. */
class LiveView {
  private readonly monitor: Monitor;
  private readonly io: CliIo;
  private readonly secrets: readonly string[];
  private readonly log: string[] = [];
  private readonly drops = new Map<string, number>();
  private drawnLines = 0;
  private pending = false;

  constructor(monitor: Monitor, io: CliIo, secrets: readonly string[]) {
    this.monitor = monitor;
    this.io = io;
    this.secrets = secrets;
  }

  event(event: StreamEvent): void {
    if (event.event === 'drop' && event.cause !== 'manual') this.drops.set(event.endpoint, (this.drops.get(event.endpoint) ?? 0) + 1);
    if (event.event !== 'heartbeat' && event.event !== 'message') {
      this.log.push(eventLine(event));
      if (this.log.length > TABLE_LOG_LINES) this.log.shift();
    }
    // Coalesce bursts of events into one redraw.
    if (!this.pending) {
      this.pending = true;
      setTimeout(() => {
        this.pending = false;
        this.draw();
      }, 100).unref();
    }
  }

  draw(): void {
    const width = Math.max(40, this.io.stdout.columns || Number(this.io.env.COLUMNS) || 120);
    const statuses = this.monitor.status();
    const now = Date.now();
    const lines = renderTable(statuses.map((status) => ({ status, drops: this.drops.get(status.name) ?? 0 })), now, width);
    const findings = statuses.flatMap((s) => this.monitor.findingsFor(s.name).flatMap((f) => findingLines(s.name, f)));
    if (findings.length) lines.push('', ...findings.flatMap((l) => wrap(l, width, '    ')));
    if (this.log.length) lines.push('', ...this.log.map((l) => fit(l, width)));
    // Cursor-up cannot reach above the screen: never draw more lines than the terminal shows.
    const rows = this.io.stdout.rows ?? 0;
    if (rows > 1 && lines.length > rows - 1) lines.length = rows - 1;
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A\r\x1b[J` : '';
    this.io.stdout.write(up + redact(`${lines.join('\n')}\n`, this.secrets));
    this.drawnLines = lines.length;
  }
}
