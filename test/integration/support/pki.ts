// A private PKI made with the system `openssl` at test time (ECDSA P-256, ~0.1 s): a CA, server certificates
// (valid for localhost + 127.0.0.1, expired, wrong host, self-signed), a client certificate and its key encrypted.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM file paths of a certificate and its unencrypted private key. */
export interface CertFiles {
  readonly cert: string;
  readonly key: string;
}

export interface ClientCertFiles extends CertFiles {
  /** The same key as `key`, encrypted (PKCS#8, AES-256) with `passphrase`. */
  readonly encryptedKey: string;
  readonly passphrase: string;
  readonly commonName: string;
}

export interface TestPki {
  readonly dir: string;
  /** PEM path of the private CA (for `tls.caFile`, `ssl_client_certificate`, NODE_EXTRA_CA_CERTS). */
  readonly caFile: string;
  readonly caKeyFile: string;
  /** Signed by the CA for DNS:localhost (+ extraServerNames) and IP:127.0.0.1, valid from an hour ago for a day. */
  readonly server: CertFiles;
  /** Same names, signed by the CA, valid only in January 2020. */
  readonly expiredServer: CertFiles;
  /** Signed by the CA for DNS:wrong-host.test only: a hostname mismatch for localhost/127.0.0.1. */
  readonly wrongHostServer: CertFiles;
  /** Self-signed for localhost and 127.0.0.1 (no CA trusts it). */
  readonly selfSignedServer: CertFiles;
  /** Signed by the CA, extendedKeyUsage clientAuth. */
  readonly client: ClientCertFiles;
  remove(): void;
}

export interface TestPkiOptions {
  /** Goes into the CA's common name, so two PKIs (e.g. for caFile and NODE_EXTRA_CA_CERTS) are told apart. */
  readonly name?: string;
  readonly passphrase?: string;
  /** More DNS names for the server certificates, e.g. an /etc/hosts alias that proxy bypass rules do not skip. */
  readonly extraServerNames?: readonly string[];
}

export const CLIENT_COMMON_NAME = 'stream-health-test-client';
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  execFileSync('openssl', args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
}

/** openssl's certificate date format (UTC, YYYYMMDDHHMMSSZ). */
function stamp(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

export function makeTestPki(options: TestPkiOptions = {}): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'sh-pki-'));
  const file = (name: string): string => join(dir, name);
  const pair = (name: string): CertFiles => ({ cert: file(`${name}.pem`), key: file(`${name}.key`) });
  const passphrase = options.passphrase ?? 'stream-health-test-passphrase';
  const localNames = `subjectAltName=${['localhost', ...(options.extraServerNames ?? [])].map((n) => `DNS:${n}`).join(',')},IP:127.0.0.1`;
  try {
    openssl(['req', '-x509', ...EC_KEY, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', `/CN=stream-health ${options.name ?? 'test'} CA`], dir);
    openssl(['req', '-x509', ...EC_KEY, '-keyout', 'self.key', '-out', 'self.pem', '-days', '2', '-subj', '/CN=localhost', '-addext', localNames], dir);
    // `openssl ca` is the one 3.0 command that takes explicit start/end dates (for the expired leaf);
    // copy_extensions carries each request's SAN and key usage into its certificate.
    writeFileSync(file('index.txt'), '');
    writeFileSync(file('serial'), '1000\n');
    writeFileSync(
      file('ca.cnf'),
      `[ ca ]\ndefault_ca = tca\n[ tca ]\ndir = ${dir}\ndatabase = ${dir}/index.txt\nnew_certs_dir = ${dir}\nserial = ${dir}/serial\ndefault_md = sha256\npolicy = pol\ncopy_extensions = copy\nunique_subject = no\n[ pol ]\ncommonName = supplied\n`,
    );
    const now = Date.now();
    const issue = (name: string, subject: string, extensions: string[], start: Date, end: Date): void => {
      openssl(['req', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject, ...extensions.flatMap((e) => ['-addext', e])], dir);
      openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', `${name}.csr`, '-out', `${name}.pem`, '-startdate', stamp(start), '-enddate', stamp(end), '-notext'], dir);
    };
    const from = new Date(now - 3600_000);
    const until = new Date(now + 86_400_000);
    issue('server', '/CN=localhost', [localNames, 'extendedKeyUsage=serverAuth'], from, until);
    issue('expired', '/CN=localhost', [localNames, 'extendedKeyUsage=serverAuth'], new Date('2020-01-01T00:00:00Z'), new Date('2020-01-02T00:00:00Z'));
    issue('wrong-host', '/CN=wrong-host.test', ['subjectAltName=DNS:wrong-host.test', 'extendedKeyUsage=serverAuth'], from, until);
    issue('client', `/CN=${CLIENT_COMMON_NAME}`, ['extendedKeyUsage=clientAuth'], from, until);
    // The passphrase goes through the environment, not argv (ps would show it).
    openssl(['pkey', '-in', 'client.key', '-aes256', '-passout', 'env:SH_PKI_PASSPHRASE', '-out', 'client-encrypted.key'], dir, { ...process.env, SH_PKI_PASSPHRASE: passphrase });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    caFile: file('ca.pem'),
    caKeyFile: file('ca.key'),
    server: pair('server'),
    expiredServer: pair('expired'),
    wrongHostServer: pair('wrong-host'),
    selfSignedServer: pair('self'),
    client: { ...pair('client'), encryptedKey: file('client-encrypted.key'), passphrase, commonName: CLIENT_COMMON_NAME },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
