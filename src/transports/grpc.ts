// gRPC transport: one server-streaming call (default grpc.health.v1 Health/Watch) on a channel of its
// own, liveness by unary Health/Check on that same channel. No .proto files: bytes in, bytes out.

import * as grpc from '@grpc/grpc-js';
import type { EndpointConfig } from '../core/config.ts';
import { DEFAULTS } from '../core/config.ts';
import { StreamHealthError } from '../core/errors.ts';
import type { DropCause } from '../core/events.ts';
import type { ConnectContext, EndInfo, ProbeResult, Transport } from '../core/transport.ts';
import { decodeHealthStatus, encodeHealthCheckRequest, servingStatusName } from './grpc/protobuf.ts';
import { classifyGrpcEnd, DETAIL_MAX_CHARS, GRPC_UNIMPLEMENTED, grpcCodeName } from './grpc/status.ts';
import { clientCertificateFailure, networkProfile, probeDeadlineMs, proxyRefusal, startOrReport, windowBoundedMs, withRoute } from './net/index.ts';
import type { NetworkProfile } from './net/index.ts';
import { askProxyForTunnel, basicCredentials } from './net/proxy.ts';
import type { ProxiedRoute } from './net/proxy.ts';
import { isHtmlPage, serverText } from './serverText.ts';

export const HEALTH_CHECK_METHOD = '/grpc.health.v1.Health/Check';
const HEALTH_WATCH_METHOD = DEFAULTS.grpc.method;
const SERVING = 1;

/** No response headers by then means the server (or a proxy in front) accepted but never answered. */
export function grpcConnectTimeoutMs(config: Pick<EndpointConfig, 'idleTimeoutSeconds'>): number {
  return windowBoundedMs(config);
}
/** How long the CONNECT question to a proxy may take when a proxied call failed before opening. */
const PROXY_QUESTION_TIMEOUT_MS = 3_000;
/** How long an unanswered channel keepalive PING may wait before grpc-js drops the connection. */
const KEEPALIVE_TIMEOUT_MS = 10_000;

export class GrpcProbeError extends StreamHealthError {
  readonly grpcCode?: number;
  constructor(message: string, grpcCode?: number) {
    super('SH_ERR_GRPC_PROBE', message);
    this.name = 'GrpcProbeError';
    this.grpcCode = grpcCode;
  }
}

interface Target {
  /** host:port as grpc-js wants it (IPv6 in brackets). */
  readonly address: string;
  readonly secure: boolean;
}

/** http/grpc -> cleartext HTTP/2 (h2c); https/grpcs -> TLS. Ports default to 80 / 443. */
export function grpcTarget(url: string): Target {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'https:' || parsed.protocol === 'grpcs:';
  const port = parsed.port || (secure ? '443' : '80');
  return { address: `${parsed.hostname}:${port}`, secure };
}

function credentialsFor(profile: NetworkProfile): grpc.ChannelCredentials {
  if (!profile.tls) return grpc.credentials.createInsecure();
  // The network layer's context already holds the trusted roots (added, never replaced) and the client certificate.
  const verify: grpc.VerifyOptions = profile.tls.rejectUnauthorized
    ? {}
    : { rejectUnauthorized: false, checkServerIdentity: () => undefined };
  return grpc.credentials.createFromSecureContext(profile.tls.secureContext, verify);
}

function channelOptions(config: EndpointConfig, target: Target, route: NetworkProfile['route']): grpc.ChannelOptions {
  const options: grpc.ChannelOptions = {
    // A channel of our own per connect: closing it really closes the socket (the global pool would
    // keep it, and a reconnect could reuse a connection the watchdog just declared dead).
    'grpc.use_local_subchannel_pool': 1,
    'grpc.max_receive_message_length': config.maxMessageBytes,
    // The core owns retries and backoff; grpc-js must not retry behind its back.
    'grpc.enable_retries': 0,
    'grpc.service_config_disable_resolution': 1,
    'grpc.primary_user_agent': 'stream-health',
    // Nobody reads grpc-js's channelz registry here; its per-channel, per-call trackers cost memory.
    'grpc.enable_channelz': 0,
    // The route is the network layer's decision; grpc-js must not apply its own lowercase env vars.
    'grpc.enable_http_proxy': 0,
  };
  if (route.mode === 'proxy') {
    // grpc-js's own CONNECT support, driven per channel: the channel dials the proxy and tunnels to
    // the real target, which also names the TLS host and the :authority.
    options['grpc.http_connect_target'] = `dns:///${target.address}`;
    options['grpc.default_authority'] = target.address;
    const creds = basicCredentials(route);
    if (creds) options['grpc.http_connect_creds'] = creds;
  }
  if (config.grpc.keepaliveSeconds > 0) {
    options['grpc.keepalive_time_ms'] = Math.round(config.grpc.keepaliveSeconds * 1000);
    options['grpc.keepalive_timeout_ms'] = KEEPALIVE_TIMEOUT_MS;
  }
  return options;
}

/** The address the channel dials: the proxy's when there is one (http:// only: grpc-js sends a plain CONNECT). */
function dialAddress(target: Target, route: NetworkProfile['route']): string {
  if (route.mode !== 'proxy') return target.address;
  const proxy = new URL(route.url);
  if (proxy.protocol !== 'http:') throw new Error('gRPC connects through http:// proxies only (grpc-js sends a plain CONNECT); set proxy to an http:// URL or "off"');
  return `${proxy.hostname}:${proxy.port || '80'}`;
}

/** Metadata as plain header values (binary keys skipped: no fingerprint is binary). */
function metadataHeaders(metadata: grpc.Metadata | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata?.getMap() ?? {})) if (typeof value === 'string') headers[key] = value;
  return headers;
}

/** Config headers as call metadata; gRPC keys are lower-case and `-bin` keys carry base64 bytes. */
function metadataFor(headers: Readonly<Record<string, string>>): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (key.endsWith('-bin')) metadata.add(key, Buffer.from(value, 'base64'));
    else metadata.add(key, value);
  }
  return metadata;
}

function keepaliveNote(config: EndpointConfig): string {
  const seconds = config.grpc.keepaliveSeconds;
  return seconds > 0
    ? `channel keepalive: HTTP/2 PING every ${seconds} s (keeps the connection warm; it does not keep a stream alive through an L7 proxy, only stream messages do)`
    : 'channel keepalive off (HTTP/2 PING would not keep a stream alive through an L7 proxy anyway; only stream messages do)';
}

const identity = (bytes: Buffer): Buffer => bytes;

export function connectGrpc(context: ConnectContext): Transport {
  return new GrpcConnection(context).transport;
}

class GrpcConnection {
  readonly transport: Transport;
  private readonly context: ConnectContext;
  private readonly isHealthWatch: boolean;
  private client: grpc.Client | null = null;
  private call: grpc.ClientReadableStream<Buffer> | null = null;
  private readonly probes = new Set<grpc.ClientUnaryCall>();
  private metadata: grpc.Metadata | null = null;
  /** The Health/Check request, encoded once: every probe sends the same bytes. */
  private checkRequest: Buffer | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  private opened = false;
  private ended = false;
  private lastHealthStatus: number | undefined;
  private messages = 0;
  private lastProbeStatus: number | undefined;
  private target: Target | null = null;
  private profile: NetworkProfile | undefined;
  /** Content-Type of response headers that were not gRPC's (a proxy's error page). */
  private nonGrpcContentType: string | undefined;

  constructor(context: ConnectContext) {
    this.context = context;
    this.isHealthWatch = context.config.grpc.method === HEALTH_WATCH_METHOD;
    this.transport = {
      probe: () => this.probe(),
      close: (cause: DropCause, detail: string) => this.close(cause, detail),
    };
    startOrReport(() => this.start(), (info) => this.finish(info));
  }

  private start(): void {
    const { config } = this.context;
    this.target = grpcTarget(config.url);
    const profile = networkProfile(config);
    this.profile = profile;
    this.metadata = metadataFor(config.headers);
    this.client = new grpc.Client(dialAddress(this.target, profile.route), credentialsFor(profile), channelOptions(config, this.target, profile.route));
    const request = this.isHealthWatch
      ? encodeHealthCheckRequest(config.grpc.service)
      : Buffer.from(config.grpc.requestBase64, 'base64');
    const call = this.client.makeServerStreamRequest(config.grpc.method, identity, identity, request, this.metadata.clone(), {});
    this.call = call;
    call.on('metadata', (metadata: grpc.Metadata) => this.onHeaders(metadata));
    call.on('data', (message: Buffer) => this.onMessage(message));
    // 'status' always follows and carries everything 'error' would; the listener only keeps an
    // unhandled 'error' from crashing the process.
    call.on('error', () => {});
    call.on('status', (status: grpc.StatusObject) => this.onStatus(status));
    const timeoutMs = grpcConnectTimeoutMs(config);
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      // Servers may send response headers only with their first message (grpc-js and grpc-go do).
      // For a custom method whose server is quiet at first, a channel that completed the HTTP/2
      // handshake (READY needs the peer's SETTINGS) has a live peer: count the stream as open and let
      // the watchdog judge the silence. Health/Watch always answers at once, so it gets no such pass.
      const channelReady = this.client?.getChannel().getConnectivityState(false) === grpc.connectivityState.READY;
      if (!this.isHealthWatch && channelReady) {
        this.markOpen('no response headers yet: this server sends them with its first message');
        return;
      }
      this.finish({
        cause: 'reset',
        error: 'connect-failed',
        detail: `no response headers within ${timeoutMs / 1000} s: the server (or a proxy in front of it) did not answer the call`,
        retryable: true,
      });
    }, timeoutMs);
    this.connectTimer.unref();
  }

  /**
   * Response headers open the stream only when they are gRPC's: a proxy's error page (nginx answers
   * 502 text/html when its upstream is down) also arrives as headers, and is a failed connect.
   */
  private onHeaders(metadata: grpc.Metadata): void {
    if (!this.ended) this.context.sink.evidence({ headers: metadataHeaders(metadata) });
    const contentType = String(metadata.get('content-type')[0] ?? '');
    if (contentType && !contentType.startsWith('application/grpc')) {
      this.nonGrpcContentType = contentType;
      return;
    }
    this.markOpen();
  }

  private onStatus(status: grpc.StatusObject): void {
    // Trailers and the status message name a proxy that answered for the server (Envoy: "stream timeout").
    if (!this.ended) this.context.sink.evidence({ headers: metadataHeaders(status.metadata), grpcMessage: status.details });
    const route = this.profile?.route;
    if (!this.opened && route?.mode === 'proxy' && status.code === grpc.status.UNAVAILABLE && this.target) {
      void this.explainProxyFailure(status, route, this.target.address);
      return;
    }
    if (!this.opened && this.profile && this.clientCertificateRefused(status)) {
      const failure = clientCertificateFailure(this.profile.host, Boolean(this.profile.tls?.clientCertificate));
      this.finish({ cause: 'grpc-status', error: failure.error, grpcCode: status.code, detail: `${failure.detail} (gRPC saw HTTP 400 with an HTML page, which is how nginx answers a missing or refused client certificate)`, retryable: failure.retryable });
      return;
    }
    this.finishWithStatus(status);
  }

  /**
   * A TLS server that wants a client certificate may finish the handshake and answer HTTP 400 with an
   * HTML page instead of an alert (nginx's `ssl_verify_client on`); grpc-js hides the page, so the
   * signature is HTTP 400 + text/html on a TLS channel, or the alert's own wording.
   */
  private clientCertificateRefused(status: grpc.StatusObject): boolean {
    if (/certificate required|alert (bad certificate|unknown ca|certificate unknown)/i.test(status.details)) return true;
    return Boolean(this.profile?.tls) && /Received HTTP status code 400/.test(status.details) && isHtmlPage(this.nonGrpcContentType ?? '');
  }

  /**
   * grpc-js fails a refused CONNECT with a bare UNAVAILABLE (the proxy's answer only reaches its log),
   * so ask the proxy the same question once: 407 and 403 then read as what they are.
   */
  private async explainProxyFailure(status: grpc.StatusObject, route: ProxiedRoute, target: string): Promise<void> {
    const answer = await askProxyForTunnel(route, target, PROXY_QUESTION_TIMEOUT_MS);
    if (this.ended) return;
    const refusal = answer.status !== undefined ? proxyRefusal(answer.status, route, target) : undefined;
    if (refusal) {
      this.finish({ cause: 'grpc-status', error: refusal.error, grpcCode: status.code, detail: refusal.detail, retryable: refusal.retryable });
      return;
    }
    if (answer.code && this.profile) {
      const failure = this.profile.classify(Object.assign(new Error(`connect to the proxy: ${answer.code}`), { code: answer.code }));
      this.finish({ cause: 'grpc-status', error: failure.error, grpcCode: status.code, detail: failure.detail, retryable: failure.retryable });
      return;
    }
    this.finishWithStatus(status);
  }

  private finishWithStatus(status: grpc.StatusObject): void {
    let info = this.withHealth(classifyGrpcEnd(status, this.opened, this.profile?.classify));
    if (!this.opened && this.nonGrpcContentType) {
      const html = isHtmlPage(this.nonGrpcContentType);
      info = { ...info, detail: `${info.detail} (answered with ${serverText(this.nonGrpcContentType, 60)}, not gRPC${html ? ': an HTML error page from a proxy or gateway' : ''})`, ...(html ? { htmlErrorPage: true } : {}) };
    }
    this.finish(info);
  }

  private markOpen(note?: string): void {
    if (this.opened || this.ended) return;
    this.opened = true;
    this.clearConnectTimer();
    const { config } = this.context;
    const security = this.target?.secure ? 'HTTP/2 over TLS' : 'HTTP/2 cleartext (h2c)';
    this.context.sink.opened({ detail: withRoute(`gRPC ${config.grpc.method}, ${security}${note ? ` (${note})` : ''}; ${keepaliveNote(config)}`, this.profile) });
  }

  private onMessage(message: Buffer): void {
    if (this.ended) return;
    this.markOpen();
    // Every stream message is real DATA on the stream, so it counts as a server heartbeat, except
    // Health/Watch's first one: that is the status snapshot every Watch answers with, not a keepalive.
    const snapshot = this.isHealthWatch && this.messages === 0;
    this.messages += 1;
    this.context.sink.activity(snapshot ? { bytes: message.length } : { bytes: message.length, heartbeat: 'grpc-message' });
    if (!this.isHealthWatch) return;
    const status = decodeHealthStatus(message);
    if (status === undefined) {
      this.context.sink.warning('Health/Watch sent a message that is not a HealthCheckResponse');
      return;
    }
    if (status !== this.lastHealthStatus && status !== SERVING) {
      this.context.sink.warning(`health status of ${this.serviceLabel()} is ${servingStatusName(status)}`);
    }
    this.lastHealthStatus = status;
  }

  private serviceLabel(): string {
    const service = this.context.config.grpc.service;
    return service ? `service "${serverText(service, 80)}"` : 'the server';
  }

  private withHealth(info: EndInfo): EndInfo {
    if (this.lastHealthStatus === undefined) return info;
    return { ...info, detail: `${info.detail}; last health status ${servingStatusName(this.lastHealthStatus)}` };
  }

  private probe(): Promise<ProbeResult> {
    return new Promise((resolve, reject) => {
      const client = this.client;
      if (this.ended || !client || !this.metadata) {
        reject(new GrpcProbeError('gRPC probe: the channel is closed; wait for the next connect'));
        return;
      }
      const { config } = this.context;
      const deadlineMs = probeDeadlineMs(config);
      this.checkRequest ??= encodeHealthCheckRequest(this.isHealthWatch ? config.grpc.service : '');
      const started = performance.now();
      const call = client.makeUnaryRequest(
        HEALTH_CHECK_METHOD, identity, identity, this.checkRequest, this.metadata.clone(),
        { deadline: Date.now() + deadlineMs },
        (error: grpc.ServiceError | null, response?: Buffer) => {
          this.probes.delete(call);
          const rttMs = Math.round((performance.now() - started) * 10) / 10;
          if (!error) {
            this.noteProbeStatus(response ? decodeHealthStatus(response) : undefined);
            resolve({ kind: 'grpc-check', rttMs });
          } else if (error.code === GRPC_UNIMPLEMENTED) {
            // The server answered on this channel, so it is alive; it just has no health service.
            this.noteProbeStatus(-1);
            resolve({ kind: 'grpc-check', rttMs });
          } else {
            reject(new GrpcProbeError(`gRPC Health/Check failed: status ${error.code} ${grpcCodeName(error.code)}: ${serverText(error.details, DETAIL_MAX_CHARS)}`, error.code));
          }
        },
      );
      this.probes.add(call);
    });
  }

  /** Warns once per change so a NOT_SERVING server is logged without a line per heartbeat. */
  private noteProbeStatus(status: number | undefined): void {
    if (status === this.lastProbeStatus || this.ended) return;
    this.lastProbeStatus = status;
    if (status === -1) this.context.sink.warning('Health/Check is UNIMPLEMENTED on this server; probes only prove the server answers');
    else if (status !== undefined && status !== SERVING) this.context.sink.warning(`Health/Check: ${this.serviceLabel()} is ${servingStatusName(status)}`);
  }

  private close(cause: DropCause, detail: string): void {
    this.finish({ cause, detail, retryable: true });
  }

  private clearConnectTimer(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }

  /** Frees everything (call, probes, channel, timer), then reports the end exactly once. */
  private finish(info: EndInfo): void {
    if (this.ended) return;
    this.ended = true;
    this.clearConnectTimer();
    const call = this.call;
    this.call = null;
    call?.cancel();
    for (const probe of this.probes) probe.cancel();
    this.probes.clear();
    this.client?.close();
    this.client = null;
    this.context.sink.ended(info);
  }
}
