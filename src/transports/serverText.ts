// What servers tell us in text, read once for every transport: any server-chosen text (an error page,
// a close reason, gRPC status details, a subprotocol name) made safe for one log line, a notification
// or the dashboard; whether an answer was an HTML page; and the Retry-After header.

/** Control characters, plus the Unicode line and paragraph separators that split log lines. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const ENTITIES: ReadonlyArray<readonly [RegExp, string]> = [
  [/&nbsp;/g, ' '],
  [/&lt;/g, '<'],
  [/&gt;/g, '>'],
  [/&quot;/g, '"'],
  [/&#39;/g, "'"],
  // Last, so "&amp;lt;" reads as the text "&lt;" and is not decoded twice.
  [/&amp;/g, '&'],
];

/**
 * One line of plain text from whatever a server sent. Script and style bodies and tags are dropped,
 * so an HTML error page reads as its text. Common entities are decoded and whitespace collapsed. Any
 * other control character is shown as `\uXXXX`, never passed to a terminal. The result is at most
 * `maxChars` long, ellipsis included.
 */
export function serverText(text: string, maxChars: number): string {
  let plain = text.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ');
  for (const [entity, char] of ENTITIES) plain = plain.replace(entity, char);
  plain = plain
    .replace(/\s+/g, ' ')
    .trim()
    .replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return plain.length > maxChars ? `${plain.slice(0, Math.max(0, maxChars - 1))}…` : plain;
}

/**
 * The server answered with an HTML page (a proxy's error page, a login page) where a stream or an RPC
 * answer was expected: by its content type, or by how the body starts when the type is missing or wrong.
 * A fact, not a verdict: the diagnosis decides from the status whether a gateway gave up.
 */
export function isHtmlPage(contentType: string, body = ''): boolean {
  return /text\/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(body);
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
