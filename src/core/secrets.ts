// `${secret:NAME}` placeholders in headers, resolved only at connect time, and redaction so secret
// values never reach events, logs, errors or exports.

import type { EndpointConfig } from './config.ts';
import { SECRET_PLACEHOLDER } from './config.ts';
import { proxySecrets } from './network.ts';

export type SecretResolver = (name: string) => Promise<string | undefined> | string | undefined;
export type SecretHint = string | ((name: string) => string);

export function secretHintFor(hint: SecretHint | undefined, name: string, fallback: string): string {
  if (hint === undefined) return fallback;
  return typeof hint === 'function' ? hint(name) : hint;
}

export type ResolvedHeaders =
  | { readonly ok: true; readonly headers: Record<string, string>; readonly secrets: string[] }
  | { readonly ok: false; readonly missing: string };

/** Resolves placeholders in several values with one cache; remembers every secret value it used. */
class PlaceholderResolver {
  readonly secrets: string[] = [];
  missing: string | undefined;
  private readonly cache = new Map<string, string>();
  private readonly resolve: SecretResolver | undefined;
  constructor(resolve: SecretResolver | undefined) {
    this.resolve = resolve;
  }

  /** The template with every placeholder substituted (each value passed through `encode`), or undefined when one is missing. */
  async substitute(template: string, encode: (secret: string) => string = (secret) => secret): Promise<string | undefined> {
    let value = '';
    let last = 0;
    for (const match of template.matchAll(SECRET_PLACEHOLDER)) {
      const name = match[1]!;
      let secret = this.cache.get(name);
      if (secret === undefined) {
        try {
          secret = this.resolve ? await this.resolve(name) : undefined;
        } catch {
          secret = undefined;
        }
        if (secret === undefined || secret === '') {
          this.missing = name;
          return undefined;
        }
        this.cache.set(name, secret);
        this.secrets.push(secret);
      }
      value += template.slice(last, match.index) + encode(secret);
      last = match.index! + match[0].length;
    }
    return value + template.slice(last);
  }
}

/** Substitutes every placeholder; the first secret the resolver cannot supply is reported as missing. */
export async function resolveHeaders(headers: EndpointConfig['headers'], resolve: SecretResolver | undefined): Promise<ResolvedHeaders> {
  const resolver = new PlaceholderResolver(resolve);
  const out: Record<string, string> = {};
  for (const [key, template] of Object.entries(headers)) {
    const value = await resolver.substitute(template);
    if (value === undefined) return { ok: false, missing: resolver.missing! };
    out[key] = value;
  }
  return { ok: true, headers: out, secrets: resolver.secrets };
}

export type ResolvedConfig =
  | { readonly ok: true; readonly config: EndpointConfig; readonly secrets: string[] }
  | { readonly ok: false; readonly missing: string };

/**
 * The config a transport connects with: placeholders in headers, the proxy URL's password (URL-encoded)
 * and the key passphrase substituted. `secrets` also lists the credentials written literally in a
 * proxy URL or VS Code's http.proxyAuthorization, so they are redacted like the resolved ones.
 */
export async function resolveConfigSecrets(config: EndpointConfig, resolve: SecretResolver | undefined): Promise<ResolvedConfig> {
  const headers = await resolveHeaders(config.headers, resolve);
  if (!headers.ok) return headers;
  const resolver = new PlaceholderResolver(resolve);
  const keyPassphrase = await resolver.substitute(config.tls.keyPassphrase);
  if (keyPassphrase === undefined) return { ok: false, missing: resolver.missing! };
  let network = config.network;
  const literal: string[] = [];
  if (network.route.mode === 'proxy') {
    const url = await resolver.substitute(network.route.url, encodeURIComponent);
    if (url === undefined) return { ok: false, missing: resolver.missing! };
    literal.push(...proxySecrets(url, network.route.authorization));
    network = { ...network, route: { ...network.route, url } };
  }
  return {
    ok: true,
    config: { ...config, headers: headers.headers, tls: { ...config.tls, keyPassphrase }, network },
    secrets: [...headers.secrets, ...resolver.secrets, ...literal],
  };
}

/** Secret values shorter than this are not redacted (replacing "a" everywhere would garble text). */
export const MIN_REDACT_LENGTH = 3;
export const REDACTED = '***';

/** Replaces every occurrence of each secret value (and its URL-encoded form) with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret containing another is replaced whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length < MIN_REDACT_LENGTH) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(REDACTED);
  }
  return out;
}

/**
 * A query parameter whose name contains one of these words (any case) holds a secret: `access_token`,
 * `api_key`, `X-Amz-Signature`, `sessionId`... The one list for URLs here and for free text in the
 * extension's redaction.
 */
export const SECRET_QUERY_WORDS: readonly string[] = ['token', 'key', 'secret', 'auth', 'sig', 'password', 'passwd', 'pwd', 'session', 'credential', 'code'];
const SECRET_PARAM = new RegExp(SECRET_QUERY_WORDS.join('|'), 'i');
const TOKEN_LIKE = /^[A-Za-z0-9._~+/=-]{16,}$/;

/** Whether a named value (query parameter, header) is a secret: its name sounds secret, or the value looks like a token. */
export function looksSecret(name: string, value: string): boolean {
  return SECRET_PARAM.test(name) || (TOKEN_LIKE.test(value) && /\d/.test(value) && /[A-Za-z]/.test(value));
}

/**
 * A URL safe to show: user info becomes `***`, and query values whose name sounds secret or whose
 * value looks like a token (16+ token characters) become `***`. Unparseable input is returned as-is
 * minus anything after `?`.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.split('?')[0]!;
  }
  if (parsed.username) parsed.username = REDACTED;
  if (parsed.password) parsed.password = REDACTED;
  const params = [...parsed.searchParams.entries()];
  if (params.length === 0) return parsed.toString();
  const query = params
    .map(([name, value]) => {
      const hide = looksSecret(name, value);
      return `${encodeURIComponent(name)}=${hide ? REDACTED : encodeURIComponent(value)}`;
    })
    .join('&');
  parsed.search = '';
  const base = parsed.toString();
  const hashIndex = base.indexOf('#');
  return hashIndex === -1 ? `${base}?${query}` : `${base.slice(0, hashIndex)}?${query}${base.slice(hashIndex)}`;
}
