// A throwaway self-signed certificate (made with openssl) for the grpcs/wss tests: valid for
// 127.0.0.1 and localhost, so only the missing trust makes a client refuse it.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SelfSignedCert {
  readonly key: Buffer;
  readonly cert: Buffer;
  /** PEM file of the certificate, for `tls.caFile`. */
  readonly certFile: string;
  /** Deletes the temp dir. */
  remove(): void;
}

export function selfSignedCert(): SelfSignedCert {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-health-cert-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  // An EC key is generated in milliseconds; RSA would cost a noticeable share of a shared CPU.
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'pipe', timeout: 20_000 });
  return {
    key: fs.readFileSync(keyFile),
    cert: fs.readFileSync(certFile),
    certFile,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
