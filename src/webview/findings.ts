// The diagnosis panel: each finding in plain language with its evidence and the fix, plus copyable
// snippets for the server, the intermediary and the client, values filled in from the finding.

import type { FindingKind } from '../core/events.ts';
import { describeHops, formatDuration } from '../core/format.ts';
import type { EndpointStatus, Finding } from '../core/model.ts';
import { h } from './dom.ts';
import { plural } from './format.ts';
import { clientWatchdogSnippetIn, fixValues, keepaliveSnippetIn, SERVER_LANGUAGE_NAMES, SERVER_LANGUAGES, serverSnippetIn, snippetsFor, type ServerLanguage, type Snippet } from '../shared/fixes/index.ts';

export const FINDING_TITLES: Readonly<Record<FindingKind, string>> = {
  'intermediary-idle-timeout': 'An intermediary closes idle streams',
  'stream-lifetime-limit': 'Streams hit a maximum lifetime',
  'silent-dead-connection': 'Connections die silently',
  'no-server-heartbeat': 'The server sends no heartbeats',
  'gateway-timeout': 'A gateway times out',
  flapping: 'The stream keeps reconnecting',
  'keepalive-mismatch': 'Requests fail on connections the server just closed',
};

export function findingTitle(kind: string): string {
  return (FINDING_TITLES as Record<string, string>)[kind] ?? kind;
}

/** "Evidence: 5 drops · cutoff ≈ 60 s · matches nginx · heartbeat every 20 s". */
export function evidenceLine(f: Finding): string {
  const parts = [`Evidence: ${plural(f.evidence, 'observation')}`];
  if (f.estimateMs !== undefined) parts.push(`estimate ≈ ${formatDuration(f.estimateMs)}`);
  if (f.spreadMs !== undefined) parts.push(`spread ${f.spreadMs} ms`);
  // A hop the responses named is the killer; a bare timeout-table match is only a fit.
  if (f.match) parts.push(f.hops?.some((hop) => hop.name === f.match) ? `cut by ${f.match}` : `matches ${f.match}`);
  if (f.recommendedHeartbeatMs !== undefined) parts.push(`recommended heartbeat every ${formatDuration(f.recommendedHeartbeatMs)} or less`);
  return parts.join(' · ');
}

const SIDE_LABELS: Readonly<Record<Snippet['side'], string>> = {
  server: 'Server side',
  intermediary: 'Intermediary',
  client: 'Client side',
};

export type CopyRequest = (text: string, label: string) => void;

/** The server language the card shows and copies, and how to remember a new choice. */
export interface LanguageChoice {
  readonly language: ServerLanguage;
  choose(language: ServerLanguage): void;
}

export function renderFinding(doc: Document, status: EndpointStatus, finding: Finding, copy: CopyRequest, choice?: LanguageChoice): HTMLElement {
  const language = choice?.language ?? 'typescript';
  // The server snippet in the user's language; the rest as the finding has them.
  const { heartbeatSeconds } = fixValues(finding, status);
  // A keep-alive mismatch is fixed by the server's keep-alive setting, not by a heartbeat.
  const server = finding.finding === 'keepalive-mismatch' ? keepaliveSnippetIn(language, finding) : serverSnippetIn(language, status.kind, heartbeatSeconds);
  // The server snippet in the chosen language, and the client's own watchdog and backoff in it after
  // the Stream Health settings.
  const watchdog = clientWatchdogSnippetIn(language, heartbeatSeconds);
  const snippets = snippetsFor(finding, status).flatMap((s) => (s.side === 'server' ? [server] : s.id === 'client-settings' ? [s, watchdog] : [s]));
  const hasServer = snippets.some((s) => s.side === 'server');
  const hasLanguage = hasServer || snippets.includes(watchdog);
  const copyFix = h(doc, 'button', { text: 'Copy fix', testid: 'copy-fix', attrs: { type: 'button', 'aria-label': `Copy the fix for ${status.name}` } });
  copyFix.addEventListener('click', () => copy(`${finding.message}\n\nFix: ${finding.fix}${hasServer ? `\n\n${server.title}:\n${server.code}` : ''}`, 'the fix'));
  const picker = h(doc, 'select', { class: 'fix-language', testid: 'fix-language', attrs: { 'aria-label': 'Language of the server and client code' } },
    SERVER_LANGUAGES.map((l) => h(doc, 'option', { text: SERVER_LANGUAGE_NAMES[l], attrs: { value: l, ...(l === language ? { selected: '' } : {}) } })));
  picker.value = language;
  picker.addEventListener('change', () => choice?.choose(picker.value as ServerLanguage));
  return h(doc, 'article', { class: `finding finding-${finding.finding}`, testid: 'finding', attrs: { 'data-finding': finding.finding, 'data-endpoint': status.name } }, [
    h(doc, 'header', { class: 'finding-header' }, [
      h(doc, 'span', { class: 'finding-icon', text: '⚑', attrs: { 'aria-hidden': 'true' } }),
      h(doc, 'h3', { text: findingTitle(finding.finding) }),
      h(doc, 'span', { class: 'finding-endpoint', text: status.name, testid: 'finding-endpoint' }),
    ]),
    h(doc, 'p', { class: 'finding-message', text: finding.message, testid: 'finding-message' }),
    h(doc, 'p', { class: 'finding-evidence muted', text: evidenceLine(finding), testid: 'finding-evidence' }),
    ...(finding.hops?.length ? [h(doc, 'p', { class: 'finding-path muted', text: `Path (outermost first): ${describeHops(finding.hops, finding.match)}`, testid: 'finding-path' })] : []),
    h(doc, 'p', { class: 'finding-fix', testid: 'finding-fix' }, [h(doc, 'strong', { text: 'Fix: ' }), finding.fix, ' ', copyFix, ...(hasLanguage ? [' ', picker] : [])]),
    h(doc, 'div', { class: 'snippets' }, snippets.map((s) => renderSnippet(doc, s, copy))),
  ]);
}

function renderSnippet(doc: Document, snippet: Snippet, copy: CopyRequest): HTMLElement {
  const code = h(doc, 'code', { class: `language-${snippet.language}`, text: snippet.code });
  const button = h(doc, 'button', { text: 'Copy', class: 'copy', testid: 'copy-snippet', attrs: { type: 'button', 'aria-label': `Copy: ${snippet.title}` } });
  button.addEventListener('click', () => copy(snippet.code, snippet.title));
  return h(doc, 'details', { class: `snippet side-${snippet.side}`, testid: 'snippet', attrs: { 'data-snippet': snippet.id } }, [
    h(doc, 'summary', {}, [h(doc, 'span', { class: 'side', text: SIDE_LABELS[snippet.side] }), ' ', snippet.title]),
    snippet.note ? h(doc, 'p', { class: 'muted', text: snippet.note }) : null,
    h(doc, 'div', { class: 'code-wrap' }, [h(doc, 'pre', { attrs: { tabindex: 0 } }, [code]), button]),
  ]);
}

/** Keeps the snippets a user opened open when a finding is rebuilt (its evidence count changed). */
export function carryOverOpenSnippets(from: Element, to: Element): void {
  const open = new Set([...from.querySelectorAll('details[open]')].map((d) => d.getAttribute('data-snippet')));
  for (const details of to.querySelectorAll('details')) {
    if (open.has(details.getAttribute('data-snippet'))) details.setAttribute('open', '');
  }
}
