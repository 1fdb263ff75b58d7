// Copyable fixes for a finding, with values filled in from it: which snippets fit which finding, for
// the dashboard's finding cards and the CLI's fix lines. Snippets themselves live by side.

import { assertNever } from '../../core/errors.ts';
import type { Finding } from '../../core/model.ts';
import { clientSettingsSnippet } from './client.ts';
import { envoySnippet, haproxySnippet, intermediarySnippets, matchedCatalogueSnippet, matchedSnippetIds } from './intermediary.ts';
import { keepaliveSnippets } from './keepalive.ts';
import { serverHeartbeatSnippet } from './server.ts';
import { fixValues, type Snippet, type SnippetEndpoint } from './snippet.ts';

export { fixValues, locationPath, msLiteral } from './snippet.ts';
export type { FixValues, Snippet, SnippetEndpoint, SnippetSide } from './snippet.ts';
export { serverHeartbeatSnippet } from './server.ts';
export { isServerLanguage, SERVER_LANGUAGE_NAMES, SERVER_LANGUAGES, serverSnippetIn } from './serverLanguages.ts';
export type { ServerLanguage } from './serverLanguages.ts';
export { awsAlbSnippet, catalogueSnippet, cloudflareNote, envoySnippet, haproxySnippet, matchedSnippetIds, nginxSnippet } from './intermediary.ts';
export { clientSettingsSnippet } from './client.ts';
export { goKeepaliveSnippet, keepaliveSnippetIn, keepaliveSnippets, nodeKeepaliveSnippet, serverKeepaliveMs, springKeepaliveSnippet, uvicornKeepaliveSnippet } from './keepalive.ts';
export { clientWatchdogSnippetIn } from './clientLanguages.ts';

/** Every snippet worth showing for one finding, server side first. */
export function snippetsFor(finding: Finding, endpoint: SnippetEndpoint): Snippet[] {
  const values = fixValues(finding, endpoint);
  const server = serverHeartbeatSnippet(endpoint.kind, values.heartbeatSeconds);
  const client = clientSettingsSnippet(endpoint, values.heartbeatSeconds);
  const kind = finding.finding;
  switch (kind) {
    case 'intermediary-idle-timeout':
    case 'gateway-timeout':
      return [server, ...intermediarySnippets(endpoint.kind, endpoint.url, values, finding.match), client];
    case 'no-server-heartbeat':
      return [server, client];
    case 'silent-dead-connection':
      return [client, server];
    case 'stream-lifetime-limit': {
      // The hop the diagnosis named leads with its own lifetime setting.
      const named = matchedCatalogueSnippet(finding.match, true);
      return [...(named ? [named] : []), envoySnippet(values.proxyTimeoutSeconds, true), haproxySnippet(endpoint.kind, values.proxyTimeoutSeconds), client];
    }
    case 'flapping':
      return [clientSettingsSnippet(endpoint, values.heartbeatSeconds, { initialDelaySeconds: 2, maxDelaySeconds: 60 })];
    case 'keepalive-mismatch':
      return keepaliveSnippets(finding);
    default:
      return assertNever(kind);
  }
}

/**
 * The fix for a terminal: one line per snippet, in the dashboard's order; when the finding matched a
 * product, only that product's intermediary line (the others are the dashboard's "or else" list).
 */
export function fixLines(finding: Finding, endpoint: SnippetEndpoint): string[] {
  const matched = matchedSnippetIds(finding.match);
  return snippetsFor(finding, endpoint)
    .filter((s) => s.side !== 'intermediary' || matched.size === 0 || matched.has(s.id))
    .map((s) => s.brief);
}
