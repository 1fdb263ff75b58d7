// Header secrets for `${secret:NAME}` placeholders, kept in VS Code's SecretStorage under
// `streamHealth.secret.<NAME>`. Every value read or written is handed to the redactor first.

import * as vscode from 'vscode';
import type { Redactor } from './redaction.ts';
import { Disposable } from './util/dispose.ts';

export const SECRET_KEY_PREFIX = 'streamHealth.secret.';

export function secretKey(name: string): string {
  return `${SECRET_KEY_PREFIX}${name}`;
}

export class SecretStore extends Disposable {
  private readonly storage: vscode.SecretStorage;
  private readonly redactor: Redactor;
  private readonly changed: vscode.EventEmitter<string>;
  /** Fires with the secret NAME (not the key) when it is set or deleted, here or in another window. */
  readonly onDidChange: vscode.Event<string>;

  constructor(storage: vscode.SecretStorage, redactor: Redactor) {
    super();
    this.storage = storage;
    this.redactor = redactor;
    this.changed = this._register(new vscode.EventEmitter<string>());
    this.onDidChange = this.changed.event;
    this._register(storage.onDidChange((e) => {
      if (e.key.startsWith(SECRET_KEY_PREFIX)) this.changed.fire(e.key.slice(SECRET_KEY_PREFIX.length));
    }));
  }

  async get(name: string): Promise<string | undefined> {
    const value = await this.storage.get(secretKey(name));
    this.redactor.add(value);
    return value || undefined;
  }

  async set(name: string, value: string): Promise<void> {
    this.redactor.add(value);
    await this.storage.store(secretKey(name), value);
  }

  async delete(name: string): Promise<void> {
    // The old value stays in the redactor: text already produced may still contain it.
    await this.storage.delete(secretKey(name));
  }

  async has(name: string): Promise<boolean> {
    return (await this.get(name)) !== undefined;
  }

  /** Loads the values of the given names into the redactor before any connect logs anything. */
  async preload(names: Iterable<string>): Promise<void> {
    await Promise.all([...new Set(names)].map((n) => this.get(n).catch(() => undefined)));
  }
}
