// The Export Report contents: JSON (live status, findings, blocked endpoints and the full history) or
// CSV (one row per session and drop, from core/history.ts). Everything passes the redactor first.

import { toCsv } from '../core/history.ts';
import type { EndpointStatus, HistorySnapshot } from '../core/model.ts';
import type { Redactor } from './redaction.ts';
import type { BlockedEndpoint } from '../shared/protocol.ts';

export type ReportFormat = 'json' | 'csv';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'csv'];

export interface ReportInput {
  readonly status: readonly EndpointStatus[];
  readonly history: HistorySnapshot;
  readonly blocked: readonly BlockedEndpoint[];
  /** Wall-clock ms. */
  readonly generatedAt: number;
  readonly version: string;
}

export function isReportFormat(value: unknown): value is ReportFormat {
  return value === 'json' || value === 'csv';
}

export function buildReport(format: ReportFormat, input: ReportInput, redactor: Redactor): string {
  const history = redactor.redactDeep(input.history);
  if (format === 'csv') return toCsv(history);
  const report = {
    tool: 'stream-health',
    version: input.version,
    generatedAt: new Date(input.generatedAt).toISOString(),
    endpoints: redactor.redactDeep(input.status),
    blocked: redactor.redactDeep(input.blocked),
    history,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** `stream-health-report-2026-11-22T15-04-05.json`: sortable, safe on every file system. */
export function defaultReportName(format: ReportFormat, at: number): string {
  return `stream-health-report-${new Date(at).toISOString().slice(0, 19).replace(/:/g, '-')}.${format}`;
}
