// Markdown escaping for untrusted strings in the status bar tooltip and notifications (durations and
// relative times come from core/format.ts).

/** Escapes Markdown (and raw HTML) so an endpoint name like `<img onerror>` or `**x**` shows as text. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, ' ');
}
