// Sign-ins (tokens, the registered client, the authorization server's metadata) in VS Code's
// SecretStorage, one entry per server under `streamHealth.signIn.<server URL>`; the record names the
// authorization server that issued the tokens. Every token read or written goes to the redactor first.

import type * as vscode from 'vscode';
import { recordSecrets } from '../transports/oauth/record.ts';
import type { SignInRecord, SignInStore } from '../transports/oauth/flow.ts';
import type { Redactor } from './redaction.ts';

export const SIGN_IN_KEY_PREFIX = 'streamHealth.signIn.';
/**
 * The server URLs that have a sign-in, kept by us: SecretStorage.keys() came after VS Code 1.99,
 * the oldest version we support.
 */
const INDEX_KEY = 'streamHealth.signInIndex';

export class SecretSignInStore implements SignInStore {
  private readonly storage: vscode.SecretStorage;
  private readonly redactor: Redactor;

  constructor(storage: vscode.SecretStorage, redactor: Redactor) {
    this.storage = storage;
    this.redactor = redactor;
  }

  private remember(record: SignInRecord): SignInRecord {
    for (const secret of recordSecrets(record)) this.redactor.add(secret);
    return record;
  }

  async get(serverUrl: string): Promise<SignInRecord | undefined> {
    const text = await this.storage.get(`${SIGN_IN_KEY_PREFIX}${serverUrl}`);
    if (!text) return undefined;
    try {
      return this.remember(JSON.parse(text) as SignInRecord);
    } catch {
      // A damaged entry is a missing sign-in: the server's challenge then asks for a new one.
      return undefined;
    }
  }

  async set(record: SignInRecord): Promise<void> {
    this.remember(record);
    await this.storage.store(`${SIGN_IN_KEY_PREFIX}${record.serverUrl}`, JSON.stringify(record));
    const index = await this.index();
    if (!index.includes(record.serverUrl)) await this.storage.store(INDEX_KEY, JSON.stringify([...index, record.serverUrl]));
  }

  async delete(serverUrl: string): Promise<boolean> {
    const had = (await this.storage.get(`${SIGN_IN_KEY_PREFIX}${serverUrl}`)) !== undefined;
    await this.storage.delete(`${SIGN_IN_KEY_PREFIX}${serverUrl}`);
    const index = await this.index();
    if (index.includes(serverUrl)) await this.storage.store(INDEX_KEY, JSON.stringify(index.filter((u) => u !== serverUrl)));
    return had;
  }

  /** Loads every stored sign-in's tokens into the redactor before any connect logs anything. */
  async preload(): Promise<void> {
    for (const serverUrl of await this.index()) await this.get(serverUrl).catch(() => undefined);
  }

  private async index(): Promise<string[]> {
    try {
      const list: unknown = JSON.parse((await this.storage.get(INDEX_KEY)) ?? '[]');
      return Array.isArray(list) ? list.filter((u): u is string => typeof u === 'string') : [];
    } catch {
      return [];
    }
  }
}
