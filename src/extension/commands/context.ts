// What every command needs: the endpoint manager, secrets, log, the dashboard and a few facts about
// the extension. Passed explicitly so each command file stays one concern.

import type * as vscode from 'vscode';
import { StreamHealthError } from '../../core/errors.ts';
import type { DiscoveryService } from '../discovery.ts';
import type { EndpointManager } from '../endpointManager.ts';
import type { Log } from '../log.ts';
import type { AnchorProvider } from '../problems/anchors.ts';
import type { Redactor } from '../redaction.ts';
import type { SecretStore } from '../secretStore.ts';
import type { SecretSignInStore } from '../signInStore.ts';

export interface CommandContext {
  readonly manager: EndpointManager;
  readonly secrets: SecretStore;
  readonly signIns: SecretSignInStore;
  readonly log: Log;
  readonly redactor: Redactor;
  readonly dashboard: { show(): void };
  /** Discovered MCP servers (src/extension/discovery.ts). */
  readonly discovery: DiscoveryService;
  readonly extensionVersion: string;
  readonly extensionUri: vscode.Uri;
  /** Where endpoints are defined (Set heartbeatSeconds edits there). */
  readonly anchors: readonly AnchorProvider[];
}

/** An endpoint name from a command argument: a string, or a Stream Health view row (`{ endpoint }`). */
export function endpointName(arg: unknown): unknown {
  if (typeof arg === 'object' && arg !== null && typeof (arg as { endpoint?: unknown }).endpoint === 'string') return (arg as { endpoint: string }).endpoint;
  return arg;
}

/** `'*'` (or `{ all: true }`) from automation means every endpoint. */
export function isAll(arg: unknown): boolean {
  return arg === '*' || (typeof arg === 'object' && arg !== null && (arg as { all?: unknown }).all === true);
}

/** Bad arguments from automation (or a bad typed value): the message says what to pass instead. */
export class CommandInputError extends StreamHealthError {
  constructor(message: string) {
    super('SH_ERR_COMMAND_INPUT', message);
    this.name = 'CommandInputError';
  }
}

/**
 * Options for every pick and input box a command opens. Focus-out must not cancel them: when the
 * command palette closes, VS Code hands focus back to the previously focused editor, and when that is
 * the dashboard webview the focus arrives asynchronously, after the command's pick is already shown,
 * and dismissed it (about 1 run in 3 in the e2e suite; the race of microsoft/vscode#75209). Escape
 * still cancels.
 */
export const KEEP_OPEN = { ignoreFocusOut: true } as const;
