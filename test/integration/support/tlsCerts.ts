// Test certificates made with the system `openssl`: a private CA, a valid leaf for 127.0.0.1, an
// expired leaf from the same CA, and a self-signed leaf. Written to a temp dir the caller removes.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCerts {
  readonly dir: string;
  /** PEM path of the private CA (for tls.caFile). */
  readonly caFile: string;
  readonly valid: { readonly key: string; readonly cert: string };
  readonly expired: { readonly key: string; readonly cert: string };
  readonly selfSigned: { readonly key: string; readonly cert: string };
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'sh-tls-'));
  const san = 'subjectAltName=IP:127.0.0.1,DNS:localhost';
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=stream-health test CA'], dir);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'self.key', '-out', 'self.pem', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', san], dir);
  for (const name of ['valid', 'expired']) {
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=127.0.0.1', '-addext', san], dir);
  }
  // `openssl ca` is the one 3.0 command that takes explicit start/end dates (for the expired leaf).
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    `[ ca ]\ndefault_ca = tca\n[ tca ]\ndir = ${dir}\ndatabase = ${dir}/index.txt\nnew_certs_dir = ${dir}\nserial = ${dir}/serial\ndefault_md = sha256\npolicy = pol\ncopy_extensions = copy\nunique_subject = no\n[ pol ]\ncommonName = supplied\n`,
  );
  const sign = (name: string, start: string, end: string) =>
    openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', `${name}.csr`, '-out', `${name}.pem`, '-startdate', start, '-enddate', end, '-notext'], dir);
  const stamp = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
  sign('valid', stamp(new Date(Date.now() - 3600_000)), stamp(new Date(Date.now() + 86_400_000)));
  sign('expired', '20200101000000Z', '20200102000000Z');
  const pair = (name: string, certName = name) => ({ key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${certName}.pem`), 'utf8') });
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    valid: pair('valid'),
    expired: pair('expired'),
    selfSigned: pair('self'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
