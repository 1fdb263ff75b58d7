// Wraps a transport factory so an endpoint with a stored sign-in connects with its bearer token:
// refreshed before it expires (also while the stream is open: the attempt's header is swapped, so
// pings keep working and the stream is not dropped), and once more when the server answers 401
// `invalid_token`, all inside the same connect attempt, so the core never sees a token that a refresh
// could fix. A refresh that fails ends the attempt as cause `auth` (sign in required).

import type { EndpointConfig } from '../../core/config.ts';
import { KIND_INFO } from '../../core/kinds.ts';
import { redact } from '../../core/secrets.ts';
import { errorMessage } from '../../core/util.ts';
import type { DropCause } from '../../core/events.ts';
import type { ConnectContext, EndInfo, Transport, TransportFactory, TransportSink } from '../../core/transport.ts';
import { networkFetch } from '../http/networkFetch.ts';
import { AuthFlowError, needsRefresh, recordSecrets, refresh, REFRESH_MARGIN_MS } from './flow.ts';
import type { SignInRecord, SignInStore } from './flow.ts';

export interface WithSignInOptions {
  readonly store: SignInStore;
  /** Endpoints that opted out (`"auth": "none"`) or kinds without HTTP are passed through untouched. */
  readonly applies?: (config: EndpointConfig) => boolean;
  /** Renews a VS Code account's token (`record.account`); without it such a record cannot be renewed. */
  readonly renewAccount?: (record: SignInRecord) => Promise<SignInRecord>;
  /** Told after every refresh attempt (the extension logs it; never given a token). */
  readonly onRefresh?: (endpoint: string, outcome: 'refreshed' | 'failed', detail: string) => void;
}

/**
 * The attempt's headers with the bearer token. Kept mutable on purpose: the HTTP transports read
 * `config.headers` on every request, so a token refreshed while the stream is open is used by the
 * next ping without reconnecting. The stored sign-in wins over a hand-written Authorization header.
 */
function bearerHeaders(config: EndpointConfig, token: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.headers)) if (name.toLowerCase() !== 'authorization') headers[name] = value;
  headers.authorization = `Bearer ${token}`;
  return headers;
}

/** When to refresh a token that expires at `expiresAt`: the margin before, or halfway for a short-lived one. */
function refreshDelayMs(expiresAt: number, now: number): number {
  const left = expiresAt - now;
  return Math.max(0, left - Math.min(REFRESH_MARGIN_MS, left / 2));
}

export function withSignIn(inner: TransportFactory, options: WithSignInOptions): TransportFactory {
  const applies = (config: EndpointConfig) => KIND_INFO[config.kind].signIn && config.auth?.signIn !== false && (options.applies?.(config) ?? true);

  async function refreshed(config: EndpointConfig, record: SignInRecord): Promise<SignInRecord> {
    const fetch = networkFetch({ ...config, url: record.authorizationServer });
    try {
      const next = record.account && options.renewAccount ? await options.renewAccount(record) : await refresh(record, fetch.fetch);
      await options.store.set(next);
      options.onRefresh?.(config.name, 'refreshed', `access token refreshed at ${record.authorizationServer}`);
      return next;
    } catch (error) {
      const detail = error instanceof AuthFlowError ? error.message : `refresh failed: ${String(error)}`;
      options.onRefresh?.(config.name, 'failed', redact(detail, recordSecrets(record)));
      throw error;
    } finally {
      fetch.close();
    }
  }

  return (context: ConnectContext): Transport => {
    if (!applies(context.config)) return inner(context);
    let current: Transport | undefined;
    let closed: { cause: DropCause; detail: string } | undefined;
    let ended = false;
    let secrets: string[] = [];
    /** Refreshes the token of the running attempt before it expires; one per attempt, unref'd. */
    let refreshTimer: NodeJS.Timeout | null = null;
    const clearRefreshTimer = () => {
      if (refreshTimer) clearTimeout(refreshTimer);
      refreshTimer = null;
    };
    const clean = (text: string) => redact(text, secrets);
    const end = (info: EndInfo) => {
      if (ended) return;
      ended = true;
      clearRefreshTimer();
      context.sink.ended({ ...info, detail: clean(info.detail) });
    };
    /** close() came while we were waiting for the store or a refresh: nothing was started, report the end. */
    const closedEarly = (): boolean => {
      if (!closed) return false;
      end({ cause: closed.cause, detail: closed.detail, retryable: true });
      return true;
    };
    const signInLost = (error: unknown) =>
      end({ cause: 'http-status', error: 'auth', detail: `sign in required: ${clean(errorMessage(error))}`, retryable: false });

    const start = (first: SignInRecord, retried: boolean) => {
      let record = first;
      secrets = [...new Set([...secrets, ...recordSecrets(record)])];
      const headers = bearerHeaders(context.config, record.accessToken);
      const scheduleRefresh = () => {
        clearRefreshTimer();
        if (record.expiresAt === undefined || !(record.refreshToken || record.account)) return;
        refreshTimer = setTimeout(() => {
          refreshTimer = null;
          if (ended || closed) return;
          refreshed(context.config, record)
            .then((next) => {
              if (ended || closed) return;
              record = next;
              secrets = [...new Set([...secrets, ...recordSecrets(next)])];
              headers.authorization = `Bearer ${next.accessToken}`;
              scheduleRefresh();
            })
            // Kept as it is: the server's next 401 ends the attempt, and the reconnect tries again.
            .catch(() => undefined);
        }, refreshDelayMs(record.expiresAt, Date.now()));
        refreshTimer.unref();
      };
      const sink: TransportSink = {
        opened: (info) => context.sink.opened({ detail: clean(info.detail) }),
        activity: (activity) => context.sink.activity(activity),
        warning: (message) => context.sink.warning(clean(message)),
        retryHint: (ms) => context.sink.retryHint(ms),
        evidence: (evidence) => context.sink.evidence(evidence),
        ended: (info) => {
          if (closed || ended) return end(info);
          // The token we sent was refused: one refresh, then a fresh try in this same attempt.
          if (info.error === 'auth' && info.httpStatus === 401 && !retried && (record.refreshToken || record.account)) {
            current = undefined;
            refreshed(context.config, { ...record, expiresAt: 0 })
              .then((next) => closedEarly() || start(next, true))
              .catch(signInLost);
            return;
          }
          end(info);
        },
      };
      current = inner({ ...context, config: { ...context.config, headers }, sink });
      scheduleRefresh();
    };

    void (async () => {
      let record = await options.store.get(context.config.url).catch(() => undefined);
      if (closedEarly()) return;
      // Not signed in: connect as configured; a challenge then reports `auth`.
      if (!record) {
        current = inner(context);
        return;
      }
      if (needsRefresh(record)) {
        try {
          record = await refreshed(context.config, record);
        } catch (error) {
          return signInLost(error);
        }
        if (closedEarly()) return;
      }
      start(record, false);
    })();

    return {
      get probe() {
        const transport = current;
        const probe = transport?.probe;
        // A probe's failure text can quote what a careless server echoed back (our token among it).
        return probe ? () => probe.call(transport).catch((error: unknown) => Promise.reject(new Error(clean(errorMessage(error))))) : undefined;
      },
      close(cause, detail) {
        if (closed) return;
        closed = { cause, detail };
        clearRefreshTimer();
        if (current) current.close(cause, detail);
      },
    };
  };
}
