// Diagnosis notifications: at most one per endpoint and finding per hour, so a flapping stream cannot
// bury the user in toasts (core/findingNews.ts decides), with "Open Dashboard" and "Copy Fix"; off
// with the `streamHealth.notifications` setting.

import * as vscode from 'vscode';
import type { DiagnosisEvent } from '../core/events.ts';
import { FindingNews } from '../core/findingNews.ts';
import type { Finding } from '../core/model.ts';
import type { Redactor } from './redaction.ts';

const OPEN_DASHBOARD = 'Open Dashboard';
const COPY_FIX = 'Copy Fix';
export const NOTIFY_WINDOW_MS = 3_600_000;

export class DiagnosisNotifier {
  /** What was shown, per endpoint and finding (Clear History forgets an endpoint). */
  readonly shown = new FindingNews({ reminderMs: NOTIFY_WINDOW_MS });
  private readonly redactor: Redactor;
  private readonly enabled: () => boolean;
  private readonly findingsOf: (endpoint: string) => readonly Finding[];

  constructor(options: { redactor: Redactor; enabled: () => boolean; findingsOf: (endpoint: string) => readonly Finding[] }) {
    this.redactor = options.redactor;
    this.enabled = options.enabled;
    this.findingsOf = options.findingsOf;
  }

  notify(event: DiagnosisEvent): void {
    if (!this.enabled() || !this.shown.isNews(event.endpoint, event)) return;
    const message = this.redactor.redact(`Stream Health: ${event.endpoint}: ${event.message}`);
    void vscode.window.showWarningMessage(message, OPEN_DASHBOARD, COPY_FIX).then(async (choice) => {
      if (choice === OPEN_DASHBOARD) {
        await vscode.commands.executeCommand('streamHealth.openDashboard');
      } else if (choice === COPY_FIX) {
        const finding = this.findingsOf(event.endpoint).find((f) => f.finding === event.finding);
        const fix = finding ? finding.fix : event.message;
        await vscode.env.clipboard.writeText(this.redactor.redact(fix));
        void vscode.window.showInformationMessage('Stream Health: fix copied to the clipboard.');
      }
    });
  }
}
