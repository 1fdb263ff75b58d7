// The "Stream Health" log output channel: one structured, redacted line per event that matters.
// The channel supplies timestamps and lets the user pick the level (Developer: Set Log Level).

import * as vscode from 'vscode';
import type { StreamEvent } from '../core/events.ts';
import { errorMessage } from '../core/util.ts';
import { formatEvent, type LogLevel } from './logFormat.ts';
import type { Redactor } from './redaction.ts';
import { Disposable } from './util/dispose.ts';

export const LOG_CHANNEL_NAME = 'Stream Health';

export class Log extends Disposable {
  private readonly channel: vscode.LogOutputChannel;
  private readonly redactor: Redactor;

  constructor(redactor: Redactor) {
    super();
    this.redactor = redactor;
    this.channel = this._register(vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true }));
  }

  /** `quiet` demotes the line to debug (e.g. a finding repeated on every reconnect attempt). */
  event(event: StreamEvent, quiet = false): void {
    const line = formatEvent(event);
    this.write(quiet ? 'debug' : line.level, line.text);
  }

  info(text: string): void {
    this.write('info', text);
  }

  warn(text: string): void {
    this.write('warn', text);
  }

  error(text: string, error?: unknown): void {
    const detail = error === undefined ? '' : `: ${errorMessage(error)}`;
    this.write('error', text + detail);
  }

  show(): void {
    this.channel.show(true);
  }

  private write(level: LogLevel, text: string): void {
    if (this.isDisposed) return;
    const safe = this.redactor.redact(text);
    switch (level) {
      case 'trace': return this.channel.trace(safe);
      case 'debug': return this.channel.debug(safe);
      case 'info': return this.channel.info(safe);
      case 'warn': return this.channel.warn(safe);
      case 'error': return this.channel.error(safe);
    }
  }
}
