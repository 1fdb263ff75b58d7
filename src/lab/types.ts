// Shapes shared by the lab's servers, child processes and proxies (the API tests, benchmarks, the e2e
// harness and `npm start` build on).

export interface LabServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Options every lab server accepts. */
export interface LabServerBaseOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Loopback only by default. */
  readonly host?: string;
}

export type LabServerKind = 'sse' | 'websocket' | 'grpc' | 'mcp-v1' | 'mcp-v1-sse' | 'mcp-v2';
export const LAB_SERVER_KINDS: readonly LabServerKind[] = ['sse', 'websocket', 'grpc', 'mcp-v1', 'mcp-v1-sse', 'mcp-v2'];

export interface LabProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** SIGSTOP: the kernel keeps its sockets up, so peers see silence, not FIN/RST (silent death). */
  freeze(): void;
  /** SIGCONT. */
  thaw(): void;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
  /** Start again on the SAME port (after kill(), or kills first). */
  restart(): Promise<void>;
  /** Graceful stop (SIGCONT + SIGTERM, SIGKILL after a grace period). */
  stop(): Promise<void>;
}

export type ProxyMode = 'http' | 'grpc' | 'websocket';

export interface LabProxyOptions {
  readonly upstreamPort: number;
  readonly mode: ProxyMode;
  /** The intermediary closes a stream after this many seconds with no bytes. */
  readonly idleTimeoutSeconds: number;
  /** Listen port; 0/undefined picks a free one. */
  readonly port?: number;
  readonly upstreamHost?: string;
  /**
   * Keep idle connections to the server and reuse them for any client's request (HAProxy
   * `http-reuse always`, an nginx `upstream` block with `keepalive`): how production proxies run, and
   * what a server keep-alive shorter than the proxy's turns into sporadic 502s (keepalive-mismatch).
   */
  readonly reuseUpstream?: boolean;
}

export interface LabProxy {
  readonly kind: 'nginx' | 'haproxy' | 'caddy' | 'apache' | 'varnish' | 'builtin';
  readonly port: number;
  readonly host: string;
  stop(): Promise<void>;
}
