// The agent's metrics (docs/fleet.md "Metrics"): one prom-client registry fed by the Monitor's events,
// with point-in-time values (up, state, findings) read from the Monitor at scrape time. Names are a contract.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { EndpointConfig } from '../core/config.ts';
import type { StreamEvent } from '../core/events.ts';
import { DROP_CAUSES, ERROR_CAUSES } from '../core/events.ts';
import { INTERMEDIARIES } from '../core/intermediaries.ts';
import type { Monitor } from '../core/monitor.ts';
import { SessionState, isLive } from '../core/states.ts';

/** Label values of `kind` on heartbeats are a closed set: anything a transport invents becomes `other`. */
export const HEARTBEAT_KINDS = ['sse-comment', 'ws-ping', 'ws-pong', 'mcp-ping', 'grpc-check', 'grpc-message'] as const;
/** `match` on stream_health_diagnosis_info: a documented intermediary's name, or `none`. */
export const MATCH_VALUES: readonly string[] = [...INTERMEDIARIES.map((i) => i.name), 'none'];

/** Seconds; the pairs 55/65, 95/105 bracket the Heroku/ALB/nginx 60 s and Cloudflare 100 s defaults. */
export const SILENCE_BUCKETS = [1, 2.5, 5, 15, 30, 55, 65, 95, 105, 120, 240, 300, 360, 600, 1800];
export const AGE_BUCKETS = [1, 2.5, 10, 30, 55, 65, 95, 105, 120, 300, 600, 1800, 3600, 14400, 86400];
export const RTT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const STATES = Object.values(SessionState);

export class FleetMetrics {
  readonly registry = new Registry();
  private readonly monitor: Monitor;
  private readonly streams = new Map<string, EndpointConfig>();
  /** Wall-clock ms at which each stream's series were created: the OTLP start time of its cumulative points. */
  private readonly startedAt = new Map<string, number>();
  private readonly openedAt = new Map<string, number>();
  private readonly lastReceiveAt = new Map<string, number>();
  /** Every label set each stream has in the counters and histograms, so a removed stream loses all of them. */
  private readonly series = new Map<string, Map<Counter | Histogram, Map<string, Record<string, string>>>>();
  private readonly counters: { attempts: Counter; drops: Counter; errors: Counter; heartbeats: Counter };
  private readonly histograms: { silence: Histogram; age: Histogram; rtt: Histogram };
  private readonly removeListener: () => void;
  private readonly now: () => number;

  constructor(monitor: Monitor, version: string, now: () => number = Date.now) {
    this.monitor = monitor;
    const registers = [this.registry];
    const self = this;
    this.counters = {
      attempts: new Counter({ name: 'stream_health_connect_attempts_total', help: 'Connection attempts started.', labelNames: ['stream'], registers }),
      drops: new Counter({ name: 'stream_health_drops_total', help: 'Open streams that ended, by cause.', labelNames: ['stream', 'cause'], registers }),
      errors: new Counter({ name: 'stream_health_errors_total', help: 'Connection attempts that failed before the stream opened, by cause.', labelNames: ['stream', 'cause'], registers }),
      heartbeats: new Counter({ name: 'stream_health_heartbeats_total', help: 'Heartbeats seen (in) or sent (out), by kind.', labelNames: ['stream', 'direction', 'kind'], registers }),
    };
    this.histograms = {
      silence: new Histogram({ name: 'stream_health_silence_at_drop_seconds', help: 'Seconds without inbound data when a stream dropped.', labelNames: ['stream'], buckets: SILENCE_BUCKETS, registers }),
      age: new Histogram({ name: 'stream_health_stream_age_at_drop_seconds', help: 'Seconds a stream had been open when it dropped.', labelNames: ['stream'], buckets: AGE_BUCKETS, registers }),
      rtt: new Histogram({ name: 'stream_health_probe_rtt_seconds', help: 'Round-trip time of answered liveness probes.', labelNames: ['stream', 'kind'], buckets: RTT_BUCKETS, registers }),
    };
    new Gauge({
      name: 'stream_health_up', help: '1 while the stream is open and not stale.', labelNames: ['stream', 'kind'], registers,
      collect() {
        this.reset();
        for (const s of self.monitor.status()) this.set({ stream: s.name, kind: s.kind }, s.state === SessionState.Open ? 1 : 0);
      },
    });
    new Gauge({
      name: 'stream_health_state', help: 'Session state as a stateset: 1 for the current state, 0 for the others.', labelNames: ['stream', 'state'], registers,
      collect() {
        this.reset();
        for (const s of self.monitor.status()) for (const state of STATES) this.set({ stream: s.name, state }, s.state === state ? 1 : 0);
      },
    });
    new Gauge({
      name: 'stream_health_stream_open_timestamp_seconds', help: 'Unix time the current stream opened (absent while none is open).', labelNames: ['stream'], registers,
      collect() {
        this.reset();
        for (const s of self.monitor.status()) {
          const at = isLive(s.state) ? (s.openedAt ?? self.openedAt.get(s.name)) : undefined;
          if (at !== undefined) this.set({ stream: s.name }, at / 1000);
        }
      },
    });
    new Gauge({
      name: 'stream_health_last_receive_timestamp_seconds', help: 'Unix time anything (data or heartbeat) was last received on the stream.', labelNames: ['stream'], registers,
      collect() {
        this.reset();
        for (const s of self.monitor.status()) {
          const at = Math.max(s.lastInboundAt ?? 0, self.lastReceiveAt.get(s.name) ?? 0);
          if (at > 0) this.set({ stream: s.name }, at / 1000);
        }
      },
    });
    new Gauge({
      name: 'stream_health_diagnosis_info', help: '1 for each current diagnosis finding; the series goes away when the finding clears.', labelNames: ['stream', 'finding', 'match'], registers,
      collect() {
        this.reset();
        for (const name of self.streams.keys()) {
          for (const f of self.monitor.findingsFor(name)) this.set({ stream: name, finding: f.finding, match: matchLabel(f.match) }, 1);
        }
      },
    });
    new Gauge({
      name: 'stream_health_diagnosis_idle_timeout_estimate_seconds', help: 'Estimated idle timeout of an intermediary on the path (intermediary-idle-timeout finding).', labelNames: ['stream'], registers,
      collect() {
        this.reset();
        for (const name of self.streams.keys()) {
          const f = self.monitor.findingsFor(name).find((x) => x.finding === 'intermediary-idle-timeout' && x.estimateMs !== undefined);
          if (f) this.set({ stream: name }, f.estimateMs! / 1000);
        }
      },
    });
    new Gauge({
      name: 'stream_health_diagnosis_recommended_heartbeat_seconds', help: 'Heartbeat interval the diagnosis recommends for the stream.', labelNames: ['stream'], registers,
      collect() {
        this.reset();
        for (const name of self.streams.keys()) {
          const f = self.monitor.findingsFor(name).find((x) => x.recommendedHeartbeatMs !== undefined);
          if (f) this.set({ stream: name }, f.recommendedHeartbeatMs! / 1000);
        }
      },
    });
    new Gauge({ name: 'stream_health_build_info', help: 'Always 1; the version of the agent.', labelNames: ['version'], registers }).set({ version }, 1);
    this.now = now;
    this.removeListener = monitor.onEvent((event) => this.record(event));
  }

  /** Creates zero series for new streams (so rate() starts at 0) and removes every series of streams that left the config. */
  sync(endpoints: readonly EndpointConfig[]): void {
    const wanted = new Set(endpoints.map((e) => e.name));
    for (const name of [...this.streams.keys()]) if (!wanted.has(name)) this.removeStream(name);
    for (const e of endpoints) {
      if (this.streams.has(e.name)) {
        this.streams.set(e.name, e);
        continue;
      }
      this.streams.set(e.name, e);
      this.startedAt.set(e.name, this.now());
      this.series.set(e.name, new Map());
      this.track(this.counters.attempts, { stream: e.name }).inc({ stream: e.name }, 0);
      for (const cause of DROP_CAUSES) this.track(this.counters.drops, { stream: e.name, cause }).inc({ stream: e.name, cause }, 0);
      for (const cause of ERROR_CAUSES) this.track(this.counters.errors, { stream: e.name, cause }).inc({ stream: e.name, cause }, 0);
      this.track(this.histograms.silence, { stream: e.name }).zero({ stream: e.name });
      this.track(this.histograms.age, { stream: e.name }).zero({ stream: e.name });
    }
  }

  /** Wall-clock ms since which a stream's cumulative series count. */
  startTimeOf(stream: string): number | undefined {
    return this.startedAt.get(stream);
  }

  private removeStream(name: string): void {
    this.streams.delete(name);
    this.startedAt.delete(name);
    this.openedAt.delete(name);
    this.lastReceiveAt.delete(name);
    for (const [metric, sets] of this.series.get(name) ?? []) for (const labels of sets.values()) metric.remove(labels);
    this.series.delete(name);
  }

  private track<M extends Counter | Histogram>(metric: M, labels: Record<string, string>): M {
    const perMetric = this.series.get(labels.stream!);
    if (!perMetric) return metric;
    let sets = perMetric.get(metric);
    if (!sets) perMetric.set(metric, (sets = new Map()));
    sets.set(JSON.stringify(labels), labels);
    return metric;
  }

  private record(event: StreamEvent): void {
    const stream = event.endpoint;
    if (!this.streams.has(stream)) return;
    const at = Date.parse(event.ts);
    switch (event.event) {
      case 'connecting':
        this.counters.attempts.inc({ stream });
        break;
      case 'open':
        this.openedAt.set(stream, at);
        this.lastReceiveAt.set(stream, at);
        break;
      case 'message':
        this.lastReceiveAt.set(stream, at);
        break;
      case 'heartbeat': {
        const kind = heartbeatKindLabel(event.kind);
        this.track(this.counters.heartbeats, { stream, direction: event.direction, kind }).inc({ stream, direction: event.direction, kind });
        if (event.direction === 'in') this.lastReceiveAt.set(stream, at);
        if (event.rttMs !== undefined) this.track(this.histograms.rtt, { stream, kind }).observe({ stream, kind }, event.rttMs / 1000);
        break;
      }
      case 'drop':
        this.counters.drops.inc({ stream, cause: event.cause });
        // A drop we caused (reload, shutdown) says nothing about the path's limits.
        if (event.cause === 'manual') break;
        this.histograms.silence.observe({ stream }, event.silenceMs / 1000);
        this.histograms.age.observe({ stream }, event.streamAgeMs / 1000);
        break;
      case 'error':
        this.counters.errors.inc({ stream, cause: event.cause });
        break;
      default:
        break;
    }
  }

  /** The Prometheus text exposition (format 0.0.4). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  snapshot(): Promise<MetricObjectWithValues<MetricValue<string>>[]> {
    return this.registry.getMetricsAsJSON();
  }

  dispose(): void {
    this.removeListener();
    this.registry.clear();
  }
}

function heartbeatKindLabel(kind: string): string {
  return (HEARTBEAT_KINDS as readonly string[]).includes(kind) ? kind : 'other';
}

function matchLabel(match: string | undefined): string {
  return match !== undefined && MATCH_VALUES.includes(match) ? match : 'none';
}
