// The dashboard's conversation with one webview, without VS Code: the ready handshake, snapshots
// versus batched updates, and the actions the buttons send. manager.ts plugs in the real panel.

import type { StreamEvent } from '../../core/events.ts';
import type { DashboardInitialState, ToWebviewMessage, ToWebviewSnapshot } from '../../shared/protocol.ts';
import { UpdateBatcher, type Batch, type BatchTimers } from './batcher.ts';
import { parseFromWebview } from './messages.ts';
import type { DashboardModel } from './model.ts';

/** Where messages to the webview go (the panel's `webview.postMessage`). */
export interface WebviewPort {
  post(message: ToWebviewMessage): void;
}

/** The editor services the actions need. */
export interface SessionHost {
  copy(text: string, label: string | undefined): void;
  reportFailure(action: string, error: unknown): void;
}

export interface DashboardSessionOptions {
  readonly timers?: BatchTimers;
  /** Monotonic ms for the batcher; wall-clock `now` for messages. Injected by tests. */
  readonly monotonicNow?: () => number;
  readonly wallNow?: () => number;
}

export class DashboardSession {
  private readonly model: DashboardModel;
  private readonly port: WebviewPort;
  private readonly host: SessionHost;
  private readonly batcher: UpdateBatcher;
  private readonly subscription: { dispose(): void };
  private readonly wallNow: () => number;
  /** Updates wait for the webview's `ready`; until then the page shows its data-initial state. */
  private ready = false;
  private hidden = false;
  private endpointNames = '';
  private disposed = false;

  constructor(model: DashboardModel, port: WebviewPort, host: SessionHost, options: DashboardSessionOptions = {}) {
    this.model = model;
    this.port = port;
    this.host = host;
    this.wallNow = options.wallNow ?? Date.now;
    this.batcher = new UpdateBatcher((batch) => this.flush(batch), {
      ...(options.timers ? { timers: options.timers } : {}),
      ...(options.monotonicNow ? { now: options.monotonicNow } : {}),
    });
    this.subscription = model.onDidChange((event: StreamEvent | undefined) => this.batcher.push(event));
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** What the HTML embeds for the first paint. */
  initialState(): DashboardInitialState {
    const snapshot = this.snapshot();
    this.endpointNames = namesKey(snapshot);
    return { snapshot };
  }

  /**
   * The panel was hidden or shown. Hidden: nothing is posted (VS Code would drop it). Shown: a
   * snapshot catches the webview up; if VS Code reloaded it meanwhile it also says `ready` again,
   * and a second snapshot is harmless. Waiting only for `ready` could stall a webview that was kept.
   */
  setVisible(visible: boolean): void {
    if (this.hidden === !visible) return;
    this.hidden = !visible;
    if (visible) this.batcher.requestResync();
  }

  /** Ask for a full snapshot at the next flush (the periodic resync). */
  requestResync(): void {
    this.batcher.requestResync();
  }

  /** A message from the webview: validated, then acted on. Malformed ones are ignored. */
  receive(raw: unknown): void {
    if (this.disposed) return;
    const message = parseFromWebview(raw);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sendSnapshot();
        return;
      case 'reconnect':
        this.model.reconnect(message.endpoint);
        return;
      case 'pause':
        this.model.pause(message.endpoint);
        return;
      case 'resume':
        this.model.resume(message.endpoint);
        return;
      case 'measureIdle':
        this.model.measureIdle(message.endpoint).catch((error: unknown) => this.host.reportFailure('Measure Idle Timeout', error));
        return;
      case 'signIn':
        this.model.signIn(message.endpoint).catch((error: unknown) => this.host.reportFailure('Sign In', error));
        return;
      case 'exportReport':
        this.model.exportReport(message.format).catch((error: unknown) => this.host.reportFailure('Export Report', error));
        return;
      case 'copy':
        this.host.copy(message.text, message.label);
        return;
      case 'monitorDiscovered':
        this.model.monitorDiscovered?.(message.name).catch((error: unknown) => this.host.reportFailure('Monitor', error));
        return;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ready = false;
    this.subscription.dispose();
    this.batcher.dispose();
  }

  private snapshot(): ToWebviewSnapshot {
    return {
      type: 'snapshot',
      endpoints: this.model.status(),
      history: this.model.history(),
      blocked: this.model.blocked(),
      invalid: this.model.invalidEntries(),
      ignored: this.model.ignoredFields(),
      ...this.discoveryFields(),
      now: this.wallNow(),
    };
  }

  /** A no-op once disposed or while the webview is not listening. */
  private post(message: ToWebviewMessage): void {
    if (this.disposed || !this.ready || this.hidden) return;
    this.port.post(message);
  }

  private flush(batch: Batch): void {
    if (this.disposed || !this.ready || this.hidden) return;
    const endpoints = this.model.status();
    if (batch.resync || endpoints.map((e) => e.name).join('\n') !== this.endpointNames) {
      this.sendSnapshot();
      return;
    }
    this.post({ type: 'update', endpoints, blocked: this.model.blocked(), invalid: this.model.invalidEntries(), ignored: this.model.ignoredFields(), ...this.discoveryFields(), events: batch.events, now: this.wallNow() });
  }

  private discoveryFields(): Pick<ToWebviewSnapshot, 'sources' | 'discovered'> {
    return {
      ...(this.model.sources ? { sources: this.model.sources() } : {}),
      ...(this.model.discovered ? { discovered: this.model.discovered() } : {}),
    };
  }

  private sendSnapshot(): void {
    const snapshot = this.snapshot();
    this.endpointNames = namesKey(snapshot);
    this.post(snapshot);
  }
}

function namesKey(snapshot: ToWebviewSnapshot): string {
  return snapshot.endpoints.map((e) => e.name).join('\n');
}
