// The Problems panel: each current finding (and each `failed` endpoint) as a Diagnostic with source
// "Stream Health", anchored on the entry that defines the endpoint, its code linked to the finding's
// section in the bundled docs/findings.md, and quick fixes (Copy Fix, Open Dashboard, Set
// heartbeatSeconds to N, Measure Idle Timeout, Reconnect). Redrawn when findings change or clear.

import * as vscode from 'vscode';
import type { EndpointManager } from '../endpointManager.ts';
import { Disposable } from '../util/dispose.ts';
import { findAnchor, type AnchorProvider, type EndpointAnchor } from './anchors.ts';
import { problemsFor, problemsKey, type Problem, type ProblemCode } from './model.ts';

export const DIAGNOSTIC_SOURCE = 'Stream Health';
/** Findings can clear with time alone (no event): re-evaluated on this tick. */
const REFRESH_MS = 5000;
const COALESCE_MS = 250;
/** Events that can change a finding or a `failed` state; heartbeats and messages cannot. */
const PROBLEM_EVENTS = new Set(['open', 'drop', 'error', 'diagnosis', 'paused', 'resumed']);

export interface PublishedProblem extends Problem {
  readonly anchor: EndpointAnchor;
}

const SEVERITY: Record<Problem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

/**
 * Links from a diagnostic's code to docs/findings.md in the installed extension (it ships in the
 * .vsix; the repository has no public web home). The file opens in an editor at the finding's
 * heading: `#L<line>` is the fragment VS Code's opener turns into a selection.
 */
export class FindingDocs {
  private readonly file: vscode.Uri;
  private lines = new Map<string, number>();

  constructor(extensionUri: vscode.Uri) {
    this.file = vscode.Uri.joinPath(extensionUri, 'docs', 'findings.md');
  }

  async load(): Promise<void> {
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(this.file));
      text.split(/\r?\n/).forEach((line, i) => {
        const m = /^## `([a-z-]+)`/.exec(line);
        if (m) this.lines.set(m[1]!, i + 1);
      });
    } catch {
      // Not shipped (a development build without docs): links open nothing better than the file.
    }
  }

  target(code: ProblemCode): vscode.Uri {
    const line = this.lines.get(code);
    return line ? this.file.with({ fragment: `L${line}` }) : this.file;
  }
}

export class ProblemsPanel extends Disposable {
  readonly collection: vscode.DiagnosticCollection;
  private readonly manager: EndpointManager;
  private readonly providers: readonly AnchorProvider[];
  private readonly docs: FindingDocs;
  private published: PublishedProblem[] = [];
  private lastKey: string | undefined;
  private pendingTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(manager: EndpointManager, providers: readonly AnchorProvider[], docs: FindingDocs) {
    super();
    this.manager = manager;
    this.providers = providers;
    this.docs = docs;
    this.collection = this._register(vscode.languages.createDiagnosticCollection('streamHealth'));
    this._register(manager.onDidChange((event) => {
      if (!event) this.invalidate();
      else if (PROBLEM_EVENTS.has(event.event)) this.scheduleUpdate();
    }));
    // Anchors move when a settings file is edited or opened in an editor.
    this._register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (this.published.some((p) => p.anchor.uri.path === e.document.uri.path)) this.invalidate();
    }));
    this._register(vscode.workspace.onDidOpenTextDocument(() => this.invalidate()));
    this._register(vscode.languages.registerCodeActionsProvider([{ language: 'jsonc' }, { language: 'json' }], new ProblemActions(this), {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
    }));
    this._register({
      dispose: () => {
        if (this.pendingTimer) clearTimeout(this.pendingTimer);
        if (this.refreshTimer) clearInterval(this.refreshTimer);
      },
    });
    void docs.load().then(() => this.invalidate());
  }

  /** What is shown now (for the code actions and the in-host tests). */
  problems(): readonly PublishedProblem[] {
    return this.published;
  }

  /** Settings or files changed: re-locate every anchor. */
  invalidate(): void {
    for (const p of this.providers) p.invalidate();
    this.lastKey = undefined;
    this.scheduleUpdate();
  }

  scheduleUpdate(): void {
    if (this.pendingTimer || this.isDisposed) return;
    this.pendingTimer = setTimeout(() => {
      this.pendingTimer = undefined;
      void this.update();
    }, COALESCE_MS);
  }

  /** Redraws now; calls run one after another. Resolves when the panel shows the current state. */
  update(): Promise<void> {
    this.running = this.running.then(() => this.doUpdate()).catch(() => undefined);
    return this.running;
  }

  private async doUpdate(): Promise<void> {
    if (this.isDisposed) return;
    const problems = problemsFor(this.manager.status());
    const key = problemsKey(problems);
    this.syncRefreshTimer();
    if (key === this.lastKey) return;
    const published: PublishedProblem[] = [];
    const anchors = new Map<string, EndpointAnchor | undefined>();
    for (const problem of problems) {
      if (!anchors.has(problem.endpoint)) anchors.set(problem.endpoint, await findAnchor(this.providers, problem.endpoint));
      const anchor = anchors.get(problem.endpoint);
      // No entry to point at (e.g. the file is unreadable): the dashboard and tree still show it.
      if (anchor) published.push({ ...problem, anchor });
    }
    if (this.isDisposed) return;
    const byUri = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
    for (const p of published) {
      const diagnostic = new vscode.Diagnostic(p.anchor.range, p.message, SEVERITY[p.severity]);
      diagnostic.source = DIAGNOSTIC_SOURCE;
      diagnostic.code = { value: p.code, target: this.docs.target(p.code) };
      const entry = byUri.get(p.anchor.uri.toString()) ?? { uri: p.anchor.uri, diagnostics: [] };
      entry.diagnostics.push(diagnostic);
      byUri.set(p.anchor.uri.toString(), entry);
    }
    this.collection.clear();
    for (const { uri, diagnostics } of byUri.values()) this.collection.set(uri, diagnostics);
    this.published = published;
    this.lastKey = key;
  }

  /** The 5 s re-evaluation runs only while endpoints run: an idle install keeps no timer. */
  private syncRefreshTimer(): void {
    const needed = this.manager.status().length > 0;
    if (needed && !this.refreshTimer) this.refreshTimer = setInterval(() => this.scheduleUpdate(), REFRESH_MS);
    else if (!needed && this.refreshTimer) {
      clearInterval(this.refreshTimer);
      this.refreshTimer = undefined;
    }
  }

  /** The published problem a diagnostic in `uri` stands for. */
  problemFor(uri: vscode.Uri, diagnostic: vscode.Diagnostic): PublishedProblem | undefined {
    const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
    return this.published.find((p) => p.anchor.uri.path === uri.path && p.code === code && p.message === diagnostic.message);
  }
}

class ProblemActions implements vscode.CodeActionProvider {
  private readonly panel: ProblemsPanel;

  constructor(panel: ProblemsPanel) {
    this.panel = panel;
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const problem = this.panel.problemFor(document.uri, diagnostic);
      if (!problem) continue;
      for (const action of actionsFor(problem)) {
        const codeAction = new vscode.CodeAction(action.title, vscode.CodeActionKind.QuickFix);
        codeAction.command = { title: action.title, command: action.command, arguments: action.arguments };
        codeAction.diagnostics = [diagnostic];
        actions.push(codeAction);
      }
    }
    return actions;
  }
}

export interface ProblemAction {
  readonly title: string;
  readonly command: string;
  readonly arguments: unknown[];
}

/** The quick fixes for one problem, most useful first. */
export function actionsFor(problem: PublishedProblem): ProblemAction[] {
  const name = problem.endpoint;
  const out: ProblemAction[] = [];
  if (problem.finding) {
    out.push({ title: vscode.l10n.t('Copy Fix'), command: 'streamHealth.copyFix', arguments: [name, problem.code] });
    if (problem.suggestedHeartbeatSeconds !== undefined && problem.anchor.settingsEntry) {
      out.push({
        title: vscode.l10n.t('Set heartbeatSeconds to {0}', problem.suggestedHeartbeatSeconds),
        command: 'streamHealth.setHeartbeatSeconds',
        arguments: [name, problem.suggestedHeartbeatSeconds],
      });
    }
    out.push({ title: vscode.l10n.t('Measure Idle Timeout'), command: 'streamHealth.measureIdleTimeout', arguments: [name] });
  } else {
    out.push({ title: vscode.l10n.t('Reconnect'), command: 'streamHealth.reconnect', arguments: [name] });
  }
  out.push({ title: vscode.l10n.t('Open Dashboard'), command: 'streamHealth.openDashboard', arguments: [] });
  return out;
}
