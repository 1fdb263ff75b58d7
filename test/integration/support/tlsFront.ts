// A real nginx terminating TLS (certificates from pki.ts) in front of a plain lab server: HTTP/1.1 for SSE
// and MCP, WebSocket upgrades, grpc_pass over h2; optionally demanding a client certificate (mTLS).

import { nginxAvailable, startNginx } from '../../../src/lab/proxies/index.ts';
import type { ProxyMode } from '../../../src/lab/types.ts';
import type { CertFiles } from './pki.ts';

/** Long enough that nothing in a test is cut unless it asks for a timeout. */
const DEFAULT_READ_TIMEOUT_SECONDS = 3600;

export interface TlsFrontOptions {
  /** The plain (no TLS) upstream on 127.0.0.1. */
  readonly upstreamPort: number;
  /** 'http' (SSE, MCP), 'websocket' (upgrade passthrough) or 'grpc' (grpc_pass, h2 over TLS). */
  readonly mode: ProxyMode;
  /** The server certificate and key, e.g. `pki.server` (or `pki.expiredServer` for a negative test). */
  readonly server: CertFiles;
  /** Set: nginx demands a client certificate signed by this CA (`ssl_verify_client on`). */
  readonly clientCaFile?: string;
  /** proxy_read_timeout / grpc_read_timeout: nginx cuts a stream silent for this long (default 1 h). */
  readonly readTimeoutSeconds?: number;
  /** Offer h2 by ALPN in 'http' and 'websocket' modes too ('grpc' always has it). */
  readonly http2?: boolean;
  readonly port?: number;
}

export interface TlsFront {
  /** `https://localhost:PORT` (the server certificate names localhost and 127.0.0.1). */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export function tlsFrontAvailable(): boolean {
  return nginxAvailable();
}

export async function startTlsFront(o: TlsFrontOptions): Promise<TlsFront> {
  const proxy = await startNginx(
    { upstreamPort: o.upstreamPort, mode: o.mode, idleTimeoutSeconds: o.readTimeoutSeconds ?? DEFAULT_READ_TIMEOUT_SECONDS, port: o.port },
    { certFile: o.server.cert, keyFile: o.server.key, clientCaFile: o.clientCaFile, http2: o.http2 },
  );
  return { url: `https://localhost:${proxy.port}`, port: proxy.port, stop: proxy.stop };
}
