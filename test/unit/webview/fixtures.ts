// Test data for the dashboard tests: endpoint statuses, histories and events built from the core's
// real types, so a contract change breaks these tests at type-check time.

import type { StreamEvent } from '../../../src/core/events.ts';
import type { DropRecord, EndpointHistory, EndpointStatus, Finding, HistorySnapshot } from '../../../src/core/model.ts';
import type { ToWebviewSnapshot } from '../../../src/shared/protocol.ts';

export const NOW = Date.UTC(2026, 10, 22, 15, 0, 0);

export function status(overrides: Partial<EndpointStatus> & { name: string }): EndpointStatus {
  return {
    kind: 'sse',
    url: 'http://127.0.0.1:8080/events',
    state: 'open',
    openedAt: NOW - 42_000,
    lastInboundAt: NOW - 12_000,
    attempt: 0,
    findings: [],
    heartbeatSeconds: 15,
    idleTimeoutSeconds: 45,
    ...overrides,
  };
}

export function drop(at: number, overrides: Partial<DropRecord> = {}): DropRecord {
  return { at, cause: 'reset', streamAgeMs: 61_000, silenceMs: 60_100, detail: 'terminated', ...overrides };
}

export function history(overrides: Partial<EndpointHistory> = {}): EndpointHistory {
  return {
    sessions: [],
    drops: [],
    errors: [],
    heartbeatTimes: { in: [], out: [] },
    heartbeats: { in: { direction: 'in', count: 0 }, out: { direction: 'out', count: 0 } },
    connects: [],
    maxSilenceMs: 0,
    warnings: 0,
    ...overrides,
  };
}

export function snapshot(endpoints: EndpointStatus[], histories: Record<string, EndpointHistory> = {}, blocked: { name: string; reason: string }[] = []): ToWebviewSnapshot {
  const h: HistorySnapshot = { schemaVersion: 1, savedAt: new Date(NOW).toISOString(), endpoints: histories };
  return { type: 'snapshot', endpoints, history: h, blocked, now: NOW };
}

export const idleFinding: Finding = {
  finding: 'intermediary-idle-timeout',
  message: 'Streams are cut after about 60 s without data: an intermediary idle timeout.',
  fix: 'Send a server heartbeat every 20 s or less, or raise proxy_read_timeout.',
  evidence: 5,
  estimateMs: 60_000,
  recommendedHeartbeatMs: 20_000,
  match: 'nginx',
};

export function event<E extends StreamEvent['event']>(at: number, endpoint: string, fields: Omit<Extract<StreamEvent, { event: E }>, 'ts' | 'endpoint'>): StreamEvent {
  return { ts: new Date(at).toISOString(), endpoint, ...fields } as StreamEvent;
}
