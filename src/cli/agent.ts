// Agent mode of `stream-health watch`: keeps the metrics in step with the endpoint list, serves them
// to Prometheus, pushes them over OTLP on an interval, and flushes one last export on shutdown.

import type { EndpointConfig } from '../core/config.ts';
import type { Monitor } from '../core/monitor.ts';
import { errorMessage } from '../core/util.ts';
import type { AgentSettings } from './agentConfig.ts';
import { VERSION } from './agentConfig.ts';
import { FleetMetrics } from './metrics.ts';
import { MetricsServer } from './metricsServer.ts';
import { encodeOtlp, postOtlp, toResourceMetrics } from './otlp.ts';

export type AgentLog = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface AgentOptions {
  readonly settings: AgentSettings;
  /** Resolved OTLP headers (secrets substituted); kept out of settings so nothing prints them by accident. */
  readonly otlpHeaders: Readonly<Record<string, string>>;
  readonly monitor: Monitor;
  readonly log: AgentLog;
  readonly fetch?: typeof fetch;
}

export class Agent {
  private readonly options: AgentOptions;
  private readonly metrics: FleetMetrics;
  private readonly server: MetricsServer | undefined;
  private readonly startedAt = Date.now();
  private exportTimer: NodeJS.Timeout | null = null;
  private exporting: Promise<void> = Promise.resolve();
  private lastExportFailed = false;
  private stopped = false;

  constructor(options: AgentOptions) {
    this.options = options;
    this.metrics = new FleetMetrics(options.monitor, VERSION);
    const registry = this.metrics.registry;
    this.server = options.settings.listen ? new MetricsServer({ text: () => this.metrics.text(), contentType: registry.contentType }) : undefined;
  }

  /** Starts listening and pushing; resolves with the bound address (`host:port`) when there is one. */
  async start(): Promise<string | undefined> {
    let bound: string | undefined;
    if (this.server && this.options.settings.listen) {
      const address = await this.server.listen(this.options.settings.listen);
      bound = `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
      this.options.log('info', `serving metrics on http://${bound}/metrics`, { listen: bound });
    }
    const otlp = this.options.settings.otlp;
    if (otlp) {
      this.exportTimer = setInterval(() => void this.export(), otlp.intervalSeconds * 1000);
      this.options.log('info', `pushing OTLP metrics to ${new URL(otlp.endpoint).origin} every ${otlp.intervalSeconds} s`, { otlpOrigin: new URL(otlp.endpoint).origin });
    }
    return bound;
  }

  /** The endpoint list changed (start or reload): series of new streams start at 0, those of removed ones go away. */
  sync(endpoints: readonly EndpointConfig[]): void {
    this.metrics.sync(endpoints);
    this.server?.setReady(true);
  }

  /** One export of the current values; failures are logged once per outage, not once per interval. */
  export(): Promise<void> {
    const otlp = this.options.settings.otlp;
    if (!otlp) return Promise.resolve();
    this.exporting = this.exporting.then(async () => {
      try {
        const body = await this.encode();
        await postOtlp(otlp.endpoint, this.options.otlpHeaders, body, this.options.fetch);
        if (this.lastExportFailed) this.options.log('info', 'OTLP export works again');
        this.lastExportFailed = false;
      } catch (error) {
        if (!this.lastExportFailed) this.options.log('warn', errorMessage(error));
        this.lastExportFailed = true;
      }
    });
    return this.exporting;
  }

  private async encode(): Promise<Uint8Array> {
    const snapshot = await this.metrics.snapshot();
    return encodeOtlp(toResourceMetrics(snapshot, {
      resourceAttributes: this.options.settings.resourceAttributes,
      version: VERSION,
      nowMs: Date.now(),
      startTimeOf: (stream) => (stream !== undefined ? this.metrics.startTimeOf(stream) : undefined) ?? this.startedAt,
    }));
  }

  /** Not ready any more (the pod leaves the Service while streams close). */
  beginShutdown(): void {
    this.server?.setReady(false);
  }

  /**
   * Takes the last snapshot while the streams are still up, lets the caller close them (MCP DELETE,
   * WebSocket close) without waiting for the network, then pushes that snapshot and stops serving.
   */
  async stop(closeStreams: () => void): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.exportTimer) clearInterval(this.exportTimer);
    this.exportTimer = null;
    const otlp = this.options.settings.otlp;
    // In-process and quick: the streams wait for it, so the last export still shows them up.
    const last = otlp ? await this.encode().catch(() => undefined) : undefined;
    closeStreams();
    if (otlp && last) {
      await this.exporting;
      try {
        await postOtlp(otlp.endpoint, this.options.otlpHeaders, last, this.options.fetch);
      } catch (error) {
        this.options.log('warn', `last ${errorMessage(error)}`);
      }
    }
    await this.server?.close();
    this.metrics.dispose();
  }
}
