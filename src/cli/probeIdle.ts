// `stream-health probe-idle`: how long does this path tolerate a silent stream?

import { formatDuration } from '../core/format.ts';
import { IdleProbeError, runIdleProbe } from '../core/idleProbe.ts';
import type { IdleProbeResult } from '../core/idleProbe.ts';
import { nameKiller } from '../core/diagnosis.ts';
import { describeHops } from '../core/format.ts';
import { protocolFamily } from '../core/intermediaries.ts';
import type { Finding } from '../core/model.ts';
import { redactUrl } from '../core/secrets.ts';
import type { SnippetEndpoint } from '../shared/fixes/index.ts';
import type { ProbeIdleCommand } from './args.ts';
import { envSecretResolver, envSecretValues, loadEndpoints, secretHint } from './endpoints.ts';
import type { CliIo } from './io.ts';
import { lineWriter } from './io.ts';
import { fixSnippetLines, ndjson } from './render.ts';
import { EXIT } from './usage.ts';

export async function runProbeIdle(command: ProbeIdleCommand, io: CliIo): Promise<number> {
  const [config] = loadEndpoints({ url: command.url, kind: command.kind, network: command.network, env: io.env }).endpoints;
  const secrets = envSecretValues(io.env);
  const out = lineWriter(io.stdout, secrets);
  const err = lineWriter(io.stderr, secrets);
  const controller = new AbortController();
  const removeInterrupt = io.onInterrupt(() => controller.abort());
  // The core's timers are unref'd; keep the process up until the probe answers.
  const keepAlive = setInterval(() => {}, 1000);
  if (!command.json) {
    out(`probing ${redactUrl(command.url)} (${command.kind}) with client keepalive off; waiting up to ${formatDuration(command.maxSeconds * 1000)} for the path to cut a silent stream...`);
  }
  try {
    const result = await runIdleProbe({
      config: config!,
      transportFactory: io.transportFactory,
      ...(io.clock ? { clock: io.clock } : {}),
      maxMs: command.maxSeconds * 1000,
      signal: controller.signal,
      resolveSecret: envSecretResolver(io.env),
      secretHint,
    });
    // The same naming the monitor's diagnosis does: evidence on the wire first, else the timeout table.
    const killer = !result.survived && result.recommendedHeartbeatMs !== undefined
      ? nameKiller(result.hops ?? [], result.silenceMs, protocolFamily(config!.kind), result.end, 'idle')
      : undefined;
    const match = killer?.match;
    if (command.json) {
      out(ndjson({
        ts: new Date().toISOString(), endpoint: config!.name, event: 'probe-idle', url: redactUrl(command.url),
        ...result, ...(match ? { match } : {}),
      }));
    } else {
      for (const line of describeProbe(result, command.maxSeconds * 1000, match, config, killer?.summary)) out(line);
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof IdleProbeError) {
      err(`stream-health: ${error.message}`);
      return EXIT.runtime;
    }
    throw error;
  } finally {
    clearInterval(keepAlive);
    removeInterrupt();
  }
}

/** Human lines for a probe result; with `endpoint`, a measured idle limit also gets the concrete fix lines. */
export function describeProbe(r: IdleProbeResult, maxMs: number, match?: string, endpoint?: SnippetEndpoint, killer?: string): string[] {
  const lines = [`opened: ${r.openDetail || 'stream open'}`];
  if (r.hops?.length) lines.push(`path: ${describeHops(r.hops, match)}`);
  const hb = r.serverHeartbeats;
  const heartbeats = hb.count === 0
    ? 'server heartbeats: none'
    : `server heartbeats: ${hb.count} (${hb.kind ?? 'heartbeat'}${hb.medianIntervalMs !== undefined ? `, every ~${formatDuration(hb.medianIntervalMs)}` : ''})`;
  if (r.survived) {
    lines.push(r.aborted ? `cancelled after ${formatDuration(r.streamAgeMs)}; the stream was still open` : `survived: the stream was still open after ${formatDuration(maxMs)}`);
    lines.push(heartbeats);
    lines.push(hb.count > 0
      ? `the server's heartbeats kept the path busy (longest silence ${formatDuration(r.silenceMs)}); the path's own idle limit is longer than that but was not measured`
      : `no intermediary on this path cut ${formatDuration(r.silenceMs)} of silence`);
    return lines;
  }
  lines.push(`cut after ${formatDuration(r.silenceMs)} of silence (stream age ${formatDuration(r.streamAgeMs)}, cause ${r.cause}: ${r.detail})`);
  lines.push(heartbeats);
  // Named from the wire: who cut it and how we know; else the timeout table's guess.
  if (killer && r.hops?.length) lines.push(match ? `cut ${killer}` : killer);
  else if (match) lines.push(`this matches the documented default idle timeout of ${match}`);
  if (r.recommendedHeartbeatMs !== undefined) {
    lines.push(`recommendation: put a heartbeat on the stream at least every ${formatDuration(r.recommendedHeartbeatMs)} (server side), and set "heartbeatSeconds"/"idleTimeoutSeconds" to match`);
    if (endpoint) {
      // The measured cut is what the monitor's intermediary-idle-timeout finding describes.
      const finding: Finding = {
        finding: 'intermediary-idle-timeout', message: '', fix: '', evidence: 1,
        estimateMs: r.silenceMs, recommendedHeartbeatMs: r.recommendedHeartbeatMs, ...(match ? { match } : {}), ...(r.hops?.length ? { hops: r.hops } : {}),
      };
      lines.push(...fixSnippetLines(finding, endpoint));
    }
  } else {
    lines.push('the stream ended while busy, not after a silence: this is not an idle timeout');
  }
  return lines;
}
