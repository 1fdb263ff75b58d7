// Pure mapping from live endpoint status to Problems-panel entries: one per current finding and one
// for a `failed` endpoint, with severity, a stable code (the finding id) and the quick fixes that fit.
// No vscode import: unit-tested.

import type { FindingKind } from '../../core/events.ts';
import type { EndpointStatus, Finding } from '../../core/model.ts';
import { assertNever } from '../../core/errors.ts';
import { fixValues } from '../../shared/fixes/index.ts';

export type ProblemSeverity = 'error' | 'warning' | 'information';
/** Finding ids, plus `failed` for an endpoint that stopped retrying. */
export type ProblemCode = FindingKind | 'failed';

export interface Problem {
  readonly endpoint: string;
  readonly code: ProblemCode;
  readonly severity: ProblemSeverity;
  readonly message: string;
  readonly finding?: Finding;
  /** The client heartbeat the fix recommends, when it differs from the endpoint's. */
  readonly suggestedHeartbeatSeconds?: number;
}

export function findingSeverity(kind: FindingKind): ProblemSeverity {
  switch (kind) {
    case 'intermediary-idle-timeout':
    case 'stream-lifetime-limit':
    case 'silent-dead-connection':
    case 'gateway-timeout':
    case 'flapping':
    case 'keepalive-mismatch':
      return 'warning';
    // Advice: nothing has dropped because of it yet, necessarily.
    case 'no-server-heartbeat':
      return 'information';
    default:
      return assertNever(kind);
  }
}

export function problemsFor(statuses: readonly EndpointStatus[]): Problem[] {
  const out: Problem[] = [];
  for (const s of statuses) {
    if (s.state === 'failed') {
      out.push({ endpoint: s.name, code: 'failed', severity: 'error', message: `${s.name}: failed${s.reason ? `: ${s.reason}` : ''}` });
    }
    for (const finding of s.findings) {
      const { heartbeatSeconds } = fixValues(finding, s);
      const suggest = finding.recommendedHeartbeatMs !== undefined && heartbeatSeconds !== s.heartbeatSeconds;
      out.push({
        endpoint: s.name,
        code: finding.finding,
        severity: findingSeverity(finding.finding),
        message: `${s.name}: ${finding.message}`,
        finding,
        ...(suggest ? { suggestedHeartbeatSeconds: heartbeatSeconds } : {}),
      });
    }
  }
  return out;
}

/** Changes when what the panel shows changes; evidence counts alone do not redraw it. */
export function problemsKey(problems: readonly Problem[]): string {
  return JSON.stringify(problems.map((p) => [p.endpoint, p.code, p.severity, p.message, p.suggestedHeartbeatSeconds]));
}
