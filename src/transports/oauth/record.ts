// The secret values of a stored sign-in, for redaction. Apart from flow.ts so that the extension's
// sign-in store can use it at activation without loading the MCP SDK and undici.

import type { SignInRecord } from './flow.ts';

/** The secret values of a record, for redaction. */
export function recordSecrets(record: SignInRecord): string[] {
  const client = record.client as { client_secret?: string };
  return [record.accessToken, record.refreshToken, client.client_secret].filter((s): s is string => typeof s === 'string' && s.length > 0);
}
