// Validation for the Add Endpoint… steps, checked as the user types with the same rules as
// core/config.ts (by running the candidate entry through parseEndpoints), plus name suggestions.

import { ENDPOINT_KINDS, LIMITS, parseEndpoints, type EndpointKind } from '../core/config.ts';
import { proxyUrlProblem } from '../core/network.ts';

export function isEndpointKind(value: unknown): value is EndpointKind {
  return typeof value === 'string' && (ENDPOINT_KINDS as readonly string[]).includes(value);
}

/** The first problem config.ts reports for `field` of a candidate entry, or undefined when fine. */
function fieldProblem(entry: Record<string, unknown>, field: string): string | undefined {
  const issue = parseEndpoints([entry]).issues.find((i) => i.field === field || i.field.startsWith(`${field}.`));
  return issue?.message;
}

export function validateUrl(kind: EndpointKind, text: string): string | undefined {
  if (!text.trim()) return 'Enter the stream URL';
  return fieldProblem({ name: 'candidate', kind, url: text.trim() }, 'url');
}

export function validateName(text: string, taken: readonly string[]): string | undefined {
  const name = text.trim();
  const problem = fieldProblem({ name: text, kind: 'sse', url: 'https://example.com/' }, 'name');
  if (problem) return problem;
  if (taken.includes(name)) return `"${name}" is already used by another endpoint; names must be unique`;
  return undefined;
}

export function validateHeartbeat(text: string): string | undefined {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) return `Enter seconds between ${LIMITS.heartbeatSeconds.min} and ${LIMITS.heartbeatSeconds.max} (0 = off)`;
  return fieldProblem({ name: 'candidate', kind: 'sse', url: 'https://example.com/', heartbeatSeconds: value, idleTimeoutSeconds: Math.max(value * 3, 0) }, 'heartbeatSeconds');
}

const SECRET_NAME = /^[A-Za-z0-9_.-]+$/;

export function validateSecretName(text: string): string | undefined {
  return SECRET_NAME.test(text.trim()) ? undefined : 'Use letters, digits, dot, dash or underscore (e.g. ORDERS_TOKEN)';
}

export function validateHeaderName(text: string): string | undefined {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(text.trim()) ? undefined : 'Not a valid HTTP header name';
}

/** A readable, unique default name from the URL: host plus last path segment. */
export function suggestName(url: string, taken: readonly string[]): string {
  let base = 'endpoint';
  try {
    const u = new URL(url);
    const last = u.pathname.split('/').filter(Boolean).at(-1);
    base = [u.hostname, last].filter(Boolean).join('-').slice(0, 60) || base;
  } catch {
    // keep the generic base
  }
  let name = base;
  for (let i = 2; taken.includes(name) && i < 1000; i++) name = `${base}-${i}`;
  return name;
}

/** Secret names are upper-case identifiers derived from the endpoint name. */
export function suggestSecretName(endpointName: string): string {
  return (endpointName.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase() || 'ENDPOINT') + '_TOKEN';
}

export interface NewEndpointAnswers {
  readonly kind: EndpointKind;
  readonly url: string;
  readonly name: string;
  readonly heartbeatSeconds: number;
  /** Header carrying a secret placeholder, e.g. { header: 'Authorization', template: 'Bearer ${secret:X}' }. */
  readonly header?: { readonly name: string; readonly value: string };
  /** A proxy URL or "off"; absent = "auto" (the default, not written). */
  readonly proxy?: string;
  /** Client certificate for mutual TLS (PEM paths; the passphrase as a secret placeholder). */
  readonly clientCertificate?: { readonly certFile: string; readonly keyFile: string; readonly keyPassphrase?: string };
}

/** A proxy answer: "off", or an http(s) URL (a password belongs in ${secret:NAME}, checked by config.ts). */
export function validateProxy(text: string): string | undefined {
  const value = text.trim();
  if (value === 'off') return undefined;
  return proxyUrlProblem(value);
}

/** The settings entry written for the answers; only non-default fields, so settings stay short. */
export function buildEntry(a: NewEndpointAnswers): Record<string, unknown> {
  const entry: Record<string, unknown> = { name: a.name.trim(), kind: a.kind, url: a.url.trim() };
  if (a.header) entry.headers = { [a.header.name]: a.header.value };
  entry.heartbeatSeconds = a.heartbeatSeconds;
  if (a.heartbeatSeconds > 0) entry.idleTimeoutSeconds = a.heartbeatSeconds * 3;
  if (a.proxy) entry.proxy = a.proxy.trim();
  if (a.clientCertificate) {
    const { certFile, keyFile, keyPassphrase } = a.clientCertificate;
    entry.tls = { certFile: certFile.trim(), keyFile: keyFile.trim(), ...(keyPassphrase ? { keyPassphrase } : {}) };
  }
  return entry;
}
