// Test certificates as PEM contents for in-process servers: a private CA, a valid leaf for localhost and
// 127.0.0.1, an expired leaf from the same CA, and a self-signed leaf (made by pki.ts; the caller removes them).

import { readFileSync } from 'node:fs';
import { makeTestPki } from './pki.ts';
import type { CertFiles } from './pki.ts';

export interface TestCerts {
  readonly dir: string;
  /** PEM path of the private CA (for tls.caFile). */
  readonly caFile: string;
  readonly valid: { readonly key: string; readonly cert: string };
  readonly expired: { readonly key: string; readonly cert: string };
  readonly selfSigned: { readonly key: string; readonly cert: string };
  remove(): void;
}

export function makeTestCerts(): TestCerts {
  const pki = makeTestPki();
  const pem = (files: CertFiles) => ({ key: readFileSync(files.key, 'utf8'), cert: readFileSync(files.cert, 'utf8') });
  return {
    dir: pki.dir,
    caFile: pki.caFile,
    valid: pem(pki.server),
    expired: pem(pki.expiredServer),
    selfSigned: pem(pki.selfSignedServer),
    remove: pki.remove,
  };
}
