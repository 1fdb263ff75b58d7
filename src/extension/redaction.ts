// Keeps secrets out of everything the extension writes or shows (log, status bar, dashboard data,
// exported reports, error messages): known secret values, URL credentials, token-like query
// parameters and bearer/basic credentials are replaced before text leaves the extension.

export const REDACTED = '***';

/** Secret values shorter than this are not searched for: they would mangle ordinary text. */
const MIN_SECRET_LENGTH = 3;

const SENSITIVE_QUERY = /([?&;](?:access_token|token|api[_-]?key|key|secret|password|passwd|pwd|auth|sig|signature|code|session)=)[^&#\s"']*/gi;
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]*:?[^/\s@]*@/gi;
const AUTH_SCHEME = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{4,}/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  /** Remembers a secret value (as resolved from SecretStorage) so it is masked from now on. */
  add(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET_LENGTH || this.secrets.has(value)) return;
    this.secrets.add(value);
    // Longest first, so a secret containing another is masked whole.
    const sorted = [...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.pattern = new RegExp(sorted.join('|'), 'g');
  }

  /** Forgets a secret the user cleared; text produced before keeps its mask. */
  remove(value: string | undefined): void {
    if (!value || !this.secrets.delete(value)) return;
    const sorted = [...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.pattern = sorted.length ? new RegExp(sorted.join('|'), 'g') : undefined;
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    let out = this.pattern ? text.replace(this.pattern, REDACTED) : text;
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
