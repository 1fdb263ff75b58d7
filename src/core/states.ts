// Session states (docs/core.md "Session states") and the only moves between them. The Session's single
// transition function consults this table and refuses anything else.

export const SessionState = {
  Idle: 'idle',
  Connecting: 'connecting',
  Open: 'open',
  Stale: 'stale',
  Dropped: 'dropped',
  Backoff: 'backoff',
  Paused: 'paused',
  Failed: 'failed',
} as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

const S = SessionState;

/** from -> allowed targets. Pause and manual reconnect are user actions allowed from any live state. */
export const ALLOWED_TRANSITIONS: Readonly<Record<SessionState, readonly SessionState[]>> = {
  [S.Idle]: [S.Connecting, S.Paused],
  // A failed connect goes straight to backoff (no stream was open, so nothing "dropped").
  [S.Connecting]: [S.Open, S.Backoff, S.Failed, S.Paused, S.Idle],
  [S.Open]: [S.Stale, S.Dropped, S.Paused, S.Idle],
  [S.Stale]: [S.Open, S.Dropped, S.Paused, S.Idle],
  [S.Dropped]: [S.Backoff, S.Connecting, S.Failed, S.Paused, S.Idle],
  [S.Backoff]: [S.Connecting, S.Failed, S.Paused, S.Idle],
  [S.Paused]: [S.Connecting, S.Idle],
  [S.Failed]: [S.Connecting, S.Paused, S.Idle],
};

export function canTransition(from: SessionState, to: SessionState): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

/** States in which a stream is (or is believed to be) up. */
export function isLive(state: SessionState): boolean {
  return state === S.Open || state === S.Stale;
}
