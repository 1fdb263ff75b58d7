// Keeps secrets out of everything the extension writes or shows (log, status bar, dashboard data,
// exported reports, error messages): known secret values, URL credentials, token-like query
// parameters and bearer/basic credentials are replaced before text leaves the extension.

import { MIN_REDACT_LENGTH, redact as redactValues, REDACTED, SECRET_QUERY_WORDS } from '../core/secrets.ts';

export { REDACTED };

/** `?name=value` in free text where the name sounds secret (the core's word list); the value is masked. */
const SENSITIVE_QUERY = new RegExp(`([?&;][^=&#\\s"']*(?:${SECRET_QUERY_WORDS.join('|')})[^=&#\\s"']*=)[^&#\\s"']*`, 'gi');
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]*:?[^/\s@]*@/gi;
const AUTH_SCHEME = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{4,}/g;

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Remembers a secret value (as resolved from SecretStorage) so it is masked from now on. */
  add(value: string | undefined): void {
    if (value && value.length >= MIN_REDACT_LENGTH) this.secrets.add(value);
  }

  /** Forgets a secret; text produced before keeps its mask. */
  remove(value: string | undefined): void {
    if (value) this.secrets.delete(value);
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    // Known values (and their URL-encoded forms) first, then the shapes secrets usually take.
    let out = this.secrets.size ? redactValues(text, [...this.secrets]) : text;
    out = out.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
    out = out.replace(SENSITIVE_QUERY, `$1${REDACTED}`);
    out = out.replace(AUTH_SCHEME, `$1 ${REDACTED}`);
    return out;
  }

  /** Deep copy with every string (keys included) redacted; for reports and webview payloads. */
  redactDeep<T>(value: T): T {
    return this.walk(value, 0) as T;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (value === null || typeof value !== 'object' || depth > 64) return value;
    if (Array.isArray(value)) return value.map((v) => this.walk(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[this.redact(key)] = this.walk(v, depth + 1);
    return out;
  }
}
