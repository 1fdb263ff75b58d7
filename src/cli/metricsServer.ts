// The agent's HTTP endpoint: Prometheus text at /metrics, liveness at /healthz, readiness at /readyz
// (ready once the endpoint list is loaded, not ready while shutting down).

import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamHealthError } from '../core/errors.ts';
import { errorMessage } from '../core/util.ts';
import type { ListenAddress } from './agentConfig.ts';

export class MetricsListenError extends StreamHealthError {
  constructor(address: ListenAddress, reason: string) {
    super('SH_ERR_METRICS_LISTEN', `cannot listen on ${address.host}:${address.port} for /metrics (${reason}); pick another --metrics-listen HOST:PORT`);
    this.name = 'MetricsListenError';
  }
}

export interface MetricsSource {
  text(): Promise<string>;
  readonly contentType: string;
}

export class MetricsServer {
  private readonly server: Server;
  private ready = false;

  constructor(source: MetricsSource) {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      if (path === '/metrics') {
        source.text().then(
          (body) => res.writeHead(200, { 'content-type': source.contentType }).end(body),
          (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`collecting metrics failed: ${errorMessage(error)}\n`),
        );
      } else if (path === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      } else if (path === '/readyz') {
        res.writeHead(this.ready ? 200 : 503, { 'content-type': 'text/plain' }).end(this.ready ? 'ready\n' : 'not ready\n');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /healthz or /readyz\n');
      }
    });
    // Scrapes are short; never let a stuck client hold the agent's shutdown.
    this.server.keepAliveTimeout = 5000;
  }

  listen(address: ListenAddress): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => reject(new MetricsListenError(address, error.code ?? error.message));
      this.server.once('error', onError);
      this.server.listen(address.port, address.host, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  setReady(ready: boolean): void {
    this.ready = ready;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
