// OTLP/HTTP push (protobuf) of the agent's metrics: the prom-client registry converted to the OTel
// SDK's ResourceMetrics shape and encoded by the official @opentelemetry/otlp-transformer serializer.

import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import type { DataPoint, MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { StreamHealthError } from '../core/errors.ts';

/** OTel's ValueType.DOUBLE (from @opentelemetry/api), spelled out so the API package is not needed at run time. */
const VALUE_TYPE_DOUBLE = 1;
/** A push that takes longer than this is abandoned (the next interval tries again with cumulative values). */
export const OTLP_TIMEOUT_MS = 10_000;
export const SCOPE = { name: 'stream-health' } as const;

export class OtlpExportError extends StreamHealthError {
  constructor(message: string) {
    super('SH_ERR_OTLP_EXPORT', message);
    this.name = 'OtlpExportError';
  }
}

type Snapshot = MetricObjectWithValues<MetricValue<string>>[];
type HrTime = [number, number];

function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

export interface ToResourceMetricsOptions {
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly version: string;
  readonly nowMs: number;
  /** Start of the cumulative count of a stream's series (wall-clock ms); the agent's start otherwise. */
  readonly startTimeOf: (stream: string | undefined) => number;
}

/**
 * prom-client names -> OTLP names: counters drop `_total` (Prometheus's OTLP translator adds it back),
 * everything else keeps its name; all sums and histograms are cumulative, as Prometheus needs.
 */
export function toResourceMetrics(snapshot: Snapshot, options: ToResourceMetricsOptions): ResourceMetrics {
  const endTime = hrTime(options.nowMs);
  const point = <T>(labels: Record<string, string | number>, value: T): DataPoint<T> => ({
    startTime: hrTime(options.startTimeOf(typeof labels.stream === 'string' ? labels.stream : undefined)),
    endTime,
    attributes: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])),
    value,
  });
  const metrics: MetricData[] = [];
  for (const m of snapshot) {
    const unit = m.name.endsWith('_seconds') ? 's' : '';
    // At run time prom-client's `type` is the exposition word ('counter'), not its d.ts enum.
    const type = m.type as unknown as string;
    const descriptor = { name: type === 'counter' ? m.name.replace(/_total$/, '') : m.name, description: m.help, unit, valueType: VALUE_TYPE_DOUBLE };
    const numbers = () => m.values.map((v) => point(v.labels as Record<string, string | number>, v.value));
    if (type === 'counter') {
      metrics.push({ descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.SUM, isMonotonic: true, dataPoints: numbers() });
    } else if (type === 'gauge') {
      metrics.push({ descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.GAUGE, dataPoints: numbers() });
    } else if (type === 'histogram') {
      metrics.push({
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: histogramPoints(m.name, m.values).map((h) => point(h.labels, h.value)),
      });
    }
  }
  return {
    resource: resourceFromAttributes({ 'service.name': 'stream-health', 'service.version': options.version, ...options.resourceAttributes }),
    scopeMetrics: [{ scope: { ...SCOPE, version: options.version }, metrics }],
  };
}

interface HistogramValue {
  buckets: { boundaries: number[]; counts: number[] };
  sum: number;
  count: number;
  hasMinMax: false;
}

/** prom-client flattens a histogram into cumulative `_bucket{le}`, `_sum` and `_count` values; OTLP wants per-bucket counts. */
function histogramPoints(name: string, values: readonly MetricValue<string>[]): { labels: Record<string, string | number>; value: HistogramValue }[] {
  const byLabels = new Map<string, { labels: Record<string, string | number>; le: [number, number][]; sum: number; count: number }>();
  for (const v of values) {
    const { le, ...labels } = v.labels as Record<string, string | number>;
    const key = JSON.stringify(Object.entries(labels).sort());
    let entry = byLabels.get(key);
    if (!entry) byLabels.set(key, (entry = { labels, le: [], sum: 0, count: 0 }));
    const series = (v as { metricName?: string }).metricName;
    if (series === `${name}_bucket` && le !== undefined) entry.le.push([le === '+Inf' ? Infinity : Number(le), v.value]);
    else if (series === `${name}_sum`) entry.sum = v.value;
    else if (series === `${name}_count`) entry.count = v.value;
  }
  return [...byLabels.values()].map(({ labels, le, sum, count }) => {
    le.sort((a, b) => a[0] - b[0]);
    const boundaries = le.filter(([bound]) => Number.isFinite(bound)).map(([bound]) => bound);
    const counts = le.map(([, cumulative], i) => cumulative - (i > 0 ? le[i - 1]![1] : 0));
    return { labels, value: { buckets: { boundaries, counts }, sum, count, hasMinMax: false } };
  });
}

export function encodeOtlp(resourceMetrics: ResourceMetrics): Uint8Array {
  const body = ProtobufMetricsSerializer.serializeRequest(resourceMetrics);
  if (!body) throw new OtlpExportError('the OTLP serializer produced no request body');
  return body;
}

/** POSTs one export request; the error names the endpoint's origin and the status, never a header. */
export async function postOtlp(url: string, headers: Readonly<Record<string, string>>, body: Uint8Array, fetchImpl: typeof fetch = fetch): Promise<void> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-protobuf' },
      body,
      signal: AbortSignal.timeout(OTLP_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new OtlpExportError(`OTLP export to ${new URL(url).origin} failed (${cause}); check --otlp-endpoint and that the receiver is up`);
  }
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new OtlpExportError(`OTLP export to ${new URL(url).origin} was refused with HTTP ${response.status}; check the endpoint path (usually /v1/metrics) and --otlp-header`);
}
