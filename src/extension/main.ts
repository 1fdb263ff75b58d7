// Extension entry point, kept small because VS Code times loading this file and the activate() call:
// activate() registers the commands and returns; the rest of the extension (./parts.ts, shipped as
// dist/extension-parts.cjs) is loaded and built on the next turn, and activation resolves once it is.

import * as vscode from 'vscode';
import { COMMAND_IDS } from './commands/ids.ts';
import type { StreamHealthExtension, StreamHealthTestApi } from './parts.ts';

export type { StreamHealthTestApi } from './parts.ts';

let root: StreamHealthExtension | undefined;
let pending: ReturnType<typeof setTimeout> | undefined;
let deactivated = false;

/**
 * The commands exist from the moment the extension is active; one run before the parts are built
 * waits for them. Building the parts (status bar, view, Problems panel, CodeLens, discovery watchers,
 * dashboard serializer, endpoint manager) runs outside VS Code's activation-call time, and the first
 * read of the settings after that is not awaited at all (the test API's `ready`).
 */
export function activate(context: vscode.ExtensionContext): Promise<StreamHealthTestApi> {
  deactivated = false;
  let built!: (ext: StreamHealthExtension) => void;
  const parts = new Promise<StreamHealthExtension>((resolve) => (built = resolve));
  for (const id of COMMAND_IDS) {
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => (await parts).commands.run(id, args)));
  }
  return new Promise((resolve, reject) => {
    pending = setTimeout(() => {
      pending = undefined;
      import('./parts.ts').then(({ StreamHealthExtension }) => {
        // Deactivated while the parts were loading: build nothing.
        if (deactivated) return;
        root = new StreamHealthExtension(context);
        context.subscriptions.push(root);
        built(root);
        resolve(root);
      }).catch(reject);
    }, 0);
  });
}

/** VS Code awaits this before disposing subscriptions: the history gets written first. */
export async function deactivate(): Promise<void> {
  deactivated = true;
  clearTimeout(pending);
  pending = undefined;
  const current = root;
  root = undefined;
  if (current) {
    await current.manager.shutdown();
    current.dispose();
  }
}
