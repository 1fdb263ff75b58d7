// TLS trust and client certificates for every transport: Node's bundled roots + NODE_EXTRA_CA_CERTS +
// the OS store (where the runtime offers it) + tls.caFile, all ADDED, and the client certificate from
// tls.certFile / tls.keyFile. One SecureContext per distinct material, shared by every connection.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import type { EndpointConfig } from '../../core/config.ts';
import { StreamHealthError } from '../../core/errors.ts';

/** A TLS file or passphrase that cannot be used: the config is unusable until the user fixes the field. */
export class TlsSetupError extends StreamHealthError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('SH_ERR_TLS_SETUP', message);
    this.name = 'TlsSetupError';
    this.field = field;
  }
}

/** What a transport hands its library: one shared context plus the per-connection verification flag. */
export interface TlsMaterial {
  readonly secureContext: tls.SecureContext;
  readonly rejectUnauthorized: boolean;
  /** A client certificate is configured (for the open detail and error hints). */
  readonly clientCertificate: boolean;
  /** The trusted roots as PEM, in order: bundled + NODE_EXTRA_CA_CERTS, the OS store, tls.caFile. */
  readonly ca: readonly string[];
  /** Where the roots come from, e.g. `bundled 145, system 140, tls.caFile, client certificate`. */
  readonly summary: string;
}

type CaSource = 'default' | 'system';
const getCACertificates = (tls as { getCACertificates?: (type: CaSource) => string[] }).getCACertificates;

let defaultRoots: readonly string[] | undefined;
let systemRoots: readonly string[] | undefined;

/** Bundled roots plus NODE_EXTRA_CA_CERTS (Node >= 22.15 has the API; older runtimes read the file). */
function bundledAndExtra(): readonly string[] {
  if (defaultRoots) return defaultRoots;
  if (getCACertificates) defaultRoots = getCACertificates('default');
  else {
    const extra: string[] = [];
    const path = process.env.NODE_EXTRA_CA_CERTS;
    if (path) {
      try {
        extra.push(readFileSync(path, 'utf8'));
      } catch {
        // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS; so do we (nothing added).
      }
    }
    defaultRoots = [...tls.rootCertificates, ...extra];
  }
  return defaultRoots;
}

/** The OS trust store, read once per process; empty where the runtime cannot read it. */
function system(): readonly string[] {
  if (systemRoots) return systemRoots;
  try {
    systemRoots = getCACertificates ? getCACertificates('system') : [];
  } catch {
    systemRoots = [];
  }
  return systemRoots;
}

/** Whether this runtime can read the OS trust store at all (Node >= 22.15). */
export function systemStoreAvailable(): boolean {
  return Boolean(getCACertificates);
}

function readPem(field: string, path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new TlsSetupError(field, `${field} "${path}" cannot be read (${code}); fix the path to the ${what} or clear the setting`);
  }
}

/** Bounded: distinct materials are few (one per CA file / client certificate in use). */
const CONTEXT_CACHE_LIMIT = 32;
const contexts = new Map<string, tls.SecureContext>();

/** Files are re-read on every call, so a rotated certificate or CA is picked up at the next reconnect. */
export function loadTlsMaterial(config: Pick<EndpointConfig, 'tls' | 'network'>): TlsMaterial {
  const { tls: settings } = config;
  const caFile = settings.caFile ? readPem('tls.caFile', settings.caFile, 'CA certificate (PEM)') : '';
  const cert = settings.certFile ? readPem('tls.certFile', settings.certFile, 'client certificate (PEM)') : undefined;
  const key = settings.keyFile ? readPem('tls.keyFile', settings.keyFile, 'client private key (PEM)') : undefined;
  const passphrase = settings.keyPassphrase || undefined;
  const systemList = config.network.systemCertificates ? system() : [];
  const ca = [...bundledAndExtra(), ...systemList, ...(caFile ? [caFile] : [])];
  const id = createHash('sha256').update(`${config.network.systemCertificates}\0${caFile}\0${cert ?? ''}\0${key ?? ''}\0${passphrase ?? ''}`).digest('hex');
  let secureContext = contexts.get(id);
  if (!secureContext) {
    secureContext = createContext(ca, caFile, cert, key, passphrase);
    if (contexts.size >= CONTEXT_CACHE_LIMIT) contexts.delete(contexts.keys().next().value!);
    contexts.set(id, secureContext);
  }
  const summary = `bundled ${bundledAndExtra().length}, system ${systemList.length}${caFile ? ', tls.caFile' : ''}${cert ? ', client certificate' : ''}`;
  return {
    secureContext, rejectUnauthorized: settings.rejectUnauthorized, clientCertificate: Boolean(cert), ca, summary,
  };
}

/** Builds the context, turning OpenSSL's complaints into messages that name the field to fix. */
function createContext(ca: string[], caFile: string, cert: string | undefined, key: string | undefined, passphrase: string | undefined): tls.SecureContext {
  if (caFile && !/-----BEGIN CERTIFICATE-----/.test(caFile)) {
    throw new TlsSetupError('tls.caFile', 'tls.caFile holds no PEM certificate (-----BEGIN CERTIFICATE-----); export the CA as PEM');
  }
  try {
    return tls.createSecureContext({ ca, ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(passphrase ? { passphrase } : {}) });
  } catch (error) {
    const message = (error as Error).message ?? '';
    if (/bad decrypt|bad password|PEM_read_bio_PrivateKey|interrupted or cancelled|DECODER routines/i.test(message) && key) {
      throw new TlsSetupError(
        'tls.keyPassphrase',
        passphrase
          ? 'tls.keyPassphrase does not decrypt tls.keyFile; set the right passphrase (Set Header Secret... for a ${secret:NAME})'
          : 'tls.keyFile is encrypted: set tls.keyPassphrase (e.g. "${secret:client-key}")',
      );
    }
    if (/key values mismatch/i.test(message)) throw new TlsSetupError('tls.keyFile', 'tls.keyFile is not the private key of tls.certFile; pair the certificate with its own key');
    if (cert && /PEM|certificate|ASN1/i.test(message)) throw new TlsSetupError('tls.certFile', `tls.certFile or tls.keyFile is not a usable PEM file (${message}); export them as PEM`);
    throw new TlsSetupError('tls.caFile', `the trusted certificates cannot be loaded (${message}); check tls.caFile`);
  }
}
