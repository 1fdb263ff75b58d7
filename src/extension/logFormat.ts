// Turns core events into one structured log line each (`endpoint event key=value ...`) with the level
// the LogOutputChannel should use. Pure: the channel adds timestamps; the redactor runs last.

import type { ProtocolCodes, StreamEvent } from '../core/events.ts';
import { formatDuration, namedCodes } from '../core/format.ts';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  readonly level: LogLevel;
  readonly text: string;
}

/** Quotes values with spaces or quotes so lines stay machine-splittable on `key=value`. */
export function kv(key: string, value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[\s"=]/.test(text) || text === '' ? `${key}=${JSON.stringify(text)}` : `${key}=${text}`;
}

function join(parts: readonly string[]): string {
  return parts.filter(Boolean).join(' ');
}

/** Durations without their spaces ("1min05s", "2.02s") so each stays one unquoted token. */
function ms(value: number | undefined): string | undefined {
  return value === undefined ? undefined : formatDuration(value).replaceAll(' ', '');
}

function codes(e: ProtocolCodes): string[] {
  return namedCodes(e).map((c) => kv(c.key, c.value));
}

export function formatEvent(e: StreamEvent): LogLine {
  const head = `[${e.endpoint}] ${e.event}`;
  switch (e.event) {
    case 'connecting':
      return { level: 'debug', text: join([head, kv('attempt', e.attempt)]) };
    case 'open':
      return { level: 'info', text: join([head, kv('detail', e.detail)]) };
    case 'heartbeat':
      return { level: 'trace', text: join([head, kv('direction', e.direction), kv('kind', e.kind), kv('rtt', ms(e.rttMs))]) };
    case 'message':
      return { level: 'trace', text: join([head, kv('bytes', e.bytes)]) };
    case 'stale':
      return { level: 'warn', text: join([head, kv('silence', ms(e.silenceMs))]) };
    case 'drop':
      return {
        level: e.cause === 'manual' ? 'info' : 'warn',
        text: join([
          head, kv('cause', e.cause), kv('age', ms(e.streamAgeMs)), kv('silence', ms(e.silenceMs)),
          ...codes(e), kv('detail', e.detail || undefined),
        ]),
      };
    case 'error':
      return { level: 'error', text: join([head, kv('cause', e.cause), ...codes(e), kv('message', e.message)]) };
    case 'backoff':
      return { level: 'info', text: join([head, kv('attempt', e.attempt), kv('delay', ms(e.delayMs))]) };
    case 'diagnosis':
      return {
        level: 'warn',
        text: join([
          head, kv('finding', e.finding), kv('evidence', e.evidence), kv('estimate', ms(e.estimateMs)),
          kv('recommendedHeartbeat', ms(e.recommendedHeartbeatMs)), kv('match', e.match), kv('message', e.message),
        ]),
      };
    case 'paused':
    case 'resumed':
      return { level: 'info', text: head };
  }
}
