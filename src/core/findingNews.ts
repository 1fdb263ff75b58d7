// When a finding is worth telling about: the one place that decides it for the monitor's diagnosis
// events, the CLI's human lines, the extension's log and its notifications.

import type { FindingKind } from './events.ts';

/** What the decision looks at: a Finding and a DiagnosisEvent both have these. */
export interface FindingFacts {
  readonly finding: FindingKind;
  readonly message: string;
  readonly evidence: number;
}

/**
 * The event stream's rule: a finding is reported when it first appears for an endpoint and again each
 * time its evidence grows (one more drop), so NDJSON consumers can count evidence. The same finding
 * re-diagnosed with no new evidence is not reported again.
 */
export function isReportable(previous: FindingFacts | undefined, next: FindingFacts): boolean {
  return previous === undefined || next.evidence > previous.evidence;
}

export interface FindingNewsOptions {
  /**
   * For notifications: announcements of one endpoint's finding are at least this far apart, and a
   * standing finding reported again after that long is announced again as a reminder.
   */
  readonly reminderMs?: number;
  /** Monotonic milliseconds; only read when reminderMs is set. */
  readonly now?: () => number;
}

/** Keys kept at most; the oldest are forgotten first (endpoints come and go). */
const MAX_KEYS = 1000;

/**
 * The people's rule, over the reported events: a finding is news when it is new for the endpoint or its
 * message changed (a new estimate or recommendation shows in the message; an estimate that moved less
 * than the message's precision is not news). Evidence growth alone is not news. Remembers what it
 * announced, per endpoint and finding.
 */
export class FindingNews {
  private readonly announced = new Map<string, { readonly message: string; readonly at: number }>();
  private readonly reminderMs: number | undefined;
  private readonly now: () => number;

  constructor(options: FindingNewsOptions = {}) {
    this.reminderMs = options.reminderMs;
    this.now = options.now ?? (() => performance.now());
  }

  /** True (and remembers it as announced) when this finding is news for the endpoint. */
  isNews(endpoint: string, facts: Pick<FindingFacts, 'finding' | 'message'>): boolean {
    const key = `${endpoint}\u0000${facts.finding}`;
    const last = this.announced.get(key);
    const at = this.reminderMs === undefined ? 0 : this.now();
    if (last !== undefined) {
      if (this.reminderMs === undefined ? last.message === facts.message : at - last.at < this.reminderMs) return false;
    }
    this.announced.delete(key);
    this.announced.set(key, { message: facts.message, at });
    if (this.announced.size > MAX_KEYS) this.announced.delete(this.announced.keys().next().value!);
    return true;
  }

  /** Forget an endpoint, or every endpoint (its history was cleared or it was removed). */
  forget(endpoint?: string): void {
    if (endpoint === undefined) return this.announced.clear();
    for (const key of [...this.announced.keys()]) if (key.startsWith(`${endpoint}\u0000`)) this.announced.delete(key);
  }
}
