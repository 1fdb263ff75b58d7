// A grpc-js server with the standard grpc.health.v1 service (grpc-health-check) for the lab. Health/Watch
// is the long-lived server stream; with `keepaliveMessageMs` it re-sends the current status on every
// open Watch as a no-op keepalive message (serverKeepalive.grpcKeepalive), otherwise it stays silent.

import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { ServingStatus } from 'grpc-health-check';
import { grpcKeepalive } from '../../serverKeepalive/grpc.ts';
import { hostForUrl, LOOPBACK } from '../net.ts';
import type { LabServer, LabServerBaseOptions } from '../types.ts';

export interface GrpcHealthServerOptions extends LabServerBaseOptions {
  /** Re-send the current status on each Watch every N ms; 0/undefined = silent between changes. */
  readonly keepaliveMessageMs?: number;
  /** Write this many status messages on each new Watch right away (benchmarks). */
  readonly burstOnConnect?: number;
  /** Initial statuses; default `{ '': 'SERVING' }`. */
  readonly statuses?: Readonly<Record<string, ServingStatus>>;
}

export interface GrpcLabServer extends LabServer {
  /** Changes a service's status; open Watch streams receive it at once. */
  setStatus(service: string, status: ServingStatus): void;
  /** Writes `count` status messages to every open Watch now (throughput benchmarks). */
  flood(count: number): number;
  readonly stats: { readonly open: number; readonly opened: number };
}

type WatchCall = grpc.ServerWritableStream<{ service: string }, { status: string }>;
type Handlers = Record<string, (call: never, callback?: never) => void>;

export async function startGrpcHealthServer(options: GrpcHealthServerOptions = {}): Promise<GrpcLabServer> {
  const host = options.host ?? LOOPBACK;
  const initial = options.statuses ?? { '': 'SERVING' };
  const statuses = new Map<string, string>(Object.entries(initial));
  const health = new HealthImplementation({ ...initial });
  const watches = new Set<WatchCall>();
  let opened = 0;
  const server = new grpc.Server();

  // Wrap the library's Watch handler to track open calls and add the keepalive message.
  health.addToServer({
    addService(definition: grpc.ServiceDefinition, implementation: Handlers) {
      const originalWatch = implementation.watch as unknown as (call: WatchCall) => void;
      server.addService(definition, {
        ...implementation,
        watch(call: WatchCall) {
          originalWatch(call);
          watches.add(call);
          opened++;
          const forget = () => watches.delete(call);
          call.on('cancelled', forget);
          call.on('close', forget);
          call.on('error', forget);
          for (let i = 0; i < (options.burstOnConnect ?? 0); i++) call.write({ status: statuses.get(call.request.service) ?? 'SERVICE_UNKNOWN' });
          if (options.keepaliveMessageMs) {
            grpcKeepalive(call, {
              intervalMs: options.keepaliveMessageMs,
              message: () => ({ status: statuses.get(call.request.service) ?? 'SERVICE_UNKNOWN' }),
            });
          }
        },
      } as grpc.UntypedServiceImplementation);
    },
  } as never);

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${hostForUrl(host)}:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });

  return {
    url: `grpc://${hostForUrl(host)}:${port}`,
    port,
    get stats() {
      return { open: watches.size, opened };
    },
    setStatus(service: string, status: ServingStatus) {
      statuses.set(service, status);
      health.setStatus(service, status);
    },
    flood(count: number): number {
      for (const call of watches) {
        const status = statuses.get(call.request.service) ?? 'SERVICE_UNKNOWN';
        for (let i = 0; i < count; i++) call.write({ status });
      }
      return watches.size;
    },
    close() {
      // Streams never finish on their own, so a graceful shutdown would wait forever.
      server.forceShutdown();
      watches.clear();
      return Promise.resolve();
    },
  };
}
