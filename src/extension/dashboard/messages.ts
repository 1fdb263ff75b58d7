// Checks what the webview posts before the extension acts on it: a webview is a browser context, so
// its messages are treated as untrusted input and anything malformed is ignored.

import type { ExportFormat, FromWebviewMessage } from '../../shared/protocol.ts';

/** Endpoint names and copied text beyond this are not something our webview sends. */
const MAX_TEXT_LENGTH = 200_000;

function isText(value: unknown, max = MAX_TEXT_LENGTH): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

/** Returns the message if it is well formed, otherwise `undefined`. */
export function parseFromWebview(raw: unknown): FromWebviewMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'reconnect':
    case 'pause':
    case 'resume':
    case 'measureIdle':
    case 'signIn':
      return isText(m.endpoint, 1000) ? { type: m.type, endpoint: m.endpoint } : undefined;
    case 'exportReport':
      return m.format === 'json' || m.format === 'csv' ? { type: 'exportReport', format: m.format as ExportFormat } : undefined;
    case 'monitorDiscovered':
      return isText(m.name, 1000) ? { type: 'monitorDiscovered', name: m.name } : undefined;
    case 'copy':
      if (!isText(m.text)) return undefined;
      return typeof m.label === 'string' ? { type: 'copy', text: m.text, label: m.label.slice(0, 200) } : { type: 'copy', text: m.text };
    default:
      return undefined;
  }
}
