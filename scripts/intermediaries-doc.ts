// Writes docs/intermediaries.md from the catalogue in src/core/intermediaries.ts, so the docs say what
// the diagnosis knows. `node scripts/intermediaries-doc.ts` rewrites it; a unit test checks it is current.

import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatDuration } from '../src/core/format.ts';
import { INTERMEDIARIES } from '../src/core/intermediaries.ts';
import type { Fingerprint, Intermediary } from '../src/core/intermediaries.ts';

export const DOC_PATH = fileURLToPath(new URL('../docs/intermediaries.md', import.meta.url));

const cell = (text: string) => text.replace(/\|/g, '\\|') || '-';

function fingerprintText(f: Fingerprint): string {
  if ('header' in f) return f.pattern ? `\`${f.header}\` ~ \`${f.pattern.source}\`` : `\`${f.header}\``;
  if ('body' in f) return `error page ~ \`${f.body.source}\``;
  return `grpc-message ~ \`${f.grpcMessage.source}\``;
}

function idleText(e: Intermediary): string {
  const parts = (['http', 'websocket', 'grpc'] as const).filter((f) => e.idleMs[f] !== undefined).map((f) => `${f} ${formatDuration(e.idleMs[f]!)}`);
  if (e.measuredIdleMs?.length) parts.push(`measured ${e.measuredIdleMs.map((ms) => formatDuration(ms)).join(', ')}`);
  return parts.join('; ');
}

export function catalogueMarkdown(): string {
  const rows = INTERMEDIARIES.map((e) => [
    e.name,
    e.fingerprints.map(fingerprintText).join('<br>') || 'none (timing and close shape only)',
    idleText(e),
    (e.lifetimeCaps ?? []).map((c) => `${formatDuration(c.ms)} ${c.what}${c.family ? ` (${c.family})` : ''}`).join('<br>'),
    e.ends.map((s) => `\`${s}\``).join(', '),
    [e.knob, e.lifetimeKnob ? `lifetime: ${e.lifetimeKnob}` : ''].filter(Boolean).join('<br>'),
    e.upstreamKeepalive ? `${e.upstreamKeepalive.knob}${e.upstreamKeepalive.defaultMs !== undefined ? ` (default ${formatDuration(e.upstreamKeepalive.defaultMs)})` : ''}` : '',
    `[docs](${e.docs})`,
  ].map(cell).join(' | '));
  return `# Intermediaries the diagnosis knows

Generated from \`src/core/intermediaries.ts\` by \`node scripts/intermediaries-doc.ts\`; do not edit by hand.
How the diagnosis uses it: docs/core.md "Naming the killer". Sources for each fact:
the research notes the catalogue was built from, and the docs link of each row.

Close shapes: \`clean\` (a valid end: terminal chunk, END_STREAM, close 1000), \`truncated\` (HTTP/1.1 body
stopped without its terminal chunk), \`reset\` (TCP RST), \`rst-no-error\` / \`rst-protocol-error\` /
\`rst-internal-error\` / \`rst-cancel\` (HTTP/2 RST_STREAM 0 / 1 / 2 / 8), \`goaway\`, \`ws-no-close-frame\`
(1006), \`error-page\` (a 5xx page instead of the stream).

Upstream keep-alive: how long the hop keeps idle connections to the server for reuse, and the setting;
a server whose own keep-alive is shorter makes requests on just-closed connections fail (the
\`keepalive-mismatch\` finding, docs/core.md).

| Intermediary | Fingerprints | Default idle timeout | Lifetime caps | Ends a stream with | Setting that changes it | Upstream keep-alive (keepalive-mismatch) | Docs |
|---|---|---|---|---|---|---|---|
${rows.map((r) => `| ${r} |`).join('\n')}
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  fs.writeFileSync(DOC_PATH, catalogueMarkdown());
  console.log(`wrote ${DOC_PATH}`);
}
