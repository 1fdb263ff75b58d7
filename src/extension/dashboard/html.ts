// Builds the dashboard's HTML: a strict CSP (default-src 'none', one script nonce), assets by URI
// only, and the initial state as an escaped data-* attribute rather than an inline script.

import { randomBytes } from 'node:crypto';

export interface DashboardHtmlParts {
  /** `webview.cspSource`: the origin the webview serves local resources from. */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  /** JSON-serialisable initial state; escaped into an attribute here. */
  readonly initialState: unknown;
}

/** 128 bits from the OS's cryptographic generator; base64 is a valid CSP nonce alphabet. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/** Escapes text for a double-quoted HTML attribute (also safe in element content). */
export function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export function buildContentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function buildDashboardHtml(parts: DashboardHtmlParts): string {
  const csp = buildContentSecurityPolicy(parts.cspSource, parts.nonce);
  const initial = escapeAttribute(JSON.stringify(parts.initialState));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(parts.styleUri)}">
<title>Stream Health</title>
</head>
<body>
<main id="app" data-testid="dashboard" data-initial="${initial}"><p class="loading">Loading Stream Health…</p></main>
<script nonce="${escapeAttribute(parts.nonce)}" src="${escapeAttribute(parts.scriptUri)}"></script>
</body>
</html>`;
}
