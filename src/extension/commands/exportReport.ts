// Export Report: JSON or CSV through a save dialog (or straight to a given URI for automation).

import * as vscode from 'vscode';
import { buildReport, defaultReportName, isReportFormat, type ReportFormat } from '../report.ts';
import { CommandInputError, KEEP_OPEN, type CommandContext } from './context.ts';

export interface ExportArgs {
  readonly format?: ReportFormat;
  /** A file path or a URI string; skips the save dialog. */
  readonly uri?: string | vscode.Uri;
}

function toUri(target: string | vscode.Uri): vscode.Uri {
  if (typeof target !== 'string') return target;
  return /^[a-z][a-z0-9+.-]+:\/\//i.test(target) ? vscode.Uri.parse(target) : vscode.Uri.file(target);
}

/** Returns the written file's URI, or undefined when the user cancelled. */
export async function exportReport(ctx: CommandContext, args: ExportArgs = {}): Promise<vscode.Uri | undefined> {
  let format = args.format;
  if (format !== undefined && !isReportFormat(format)) throw new CommandInputError(`Stream Health: unknown report format "${String(format)}"; use "json" or "csv".`);
  if (!format) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'JSON', description: 'status, findings and full history', format: 'json' as const },
        { label: 'CSV', description: 'one row per session and drop', format: 'csv' as const },
      ],
      { title: 'Stream Health: Export Report', placeHolder: 'Report format', ...KEEP_OPEN },
    );
    if (!pick) return undefined;
    format = pick.format;
  }
  const now = Date.now();
  let uri = args.uri !== undefined ? toUri(args.uri) : undefined;
  if (!uri) {
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = defaultReportName(format, now);
    uri = await vscode.window.showSaveDialog({
      title: 'Export Stream Health Report',
      defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined,
      filters: format === 'json' ? { 'JSON': ['json'] } : { 'CSV': ['csv'] },
      saveLabel: 'Export',
    });
    if (!uri) return undefined;
  }
  const text = buildReport(format, {
    status: ctx.manager.status(),
    history: ctx.manager.history(),
    blocked: ctx.manager.blocked(),
    generatedAt: now,
    version: ctx.extensionVersion,
  }, ctx.redactor);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  ctx.log.info(`report exported: ${uri.toString(true)} (${format}, ${text.length} bytes)`);
  if (args.uri === undefined) {
    void vscode.window.showInformationMessage(`Stream Health: report saved to ${uri.fsPath || uri.toString(true)}.`, 'Open').then((c) => {
      if (c) void vscode.window.showTextDocument(uri);
    });
  }
  return uri;
}
