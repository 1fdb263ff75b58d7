// Loads each transport the first time an endpoint of its kind starts, so the extension's activation
// never evaluates undici, ws, grpc-js or the MCP SDK. esbuild.mjs ships each part (./parts/) as its own
// file and turns these import()s into require()s of it; run from source they are plain imports.
//
// Shared code is copied into every part, so nothing crossing a part's edge may be checked with
// instanceof against the extension's own classes: take classes from the loaded part (AuthFlowError).

import type { EndpointKind } from '../core/config.ts';
import type { ConnectContext, Transport, TransportFactory } from '../core/transport.ts';
import { errorMessage } from '../core/util.ts';
import type { WithSignInOptions } from './oauth/withSignIn.ts';

export type HttpPart = typeof import('./parts/http.ts');

/** One file per library group: the HTTP kinds share undici (and sign-in), gRPC and WebSocket stand alone. */
type PartName = 'http' | 'grpc' | 'websocket';

const PART_OF: Readonly<Record<EndpointKind, PartName>> = {
  mcp: 'http',
  'mcp-sse': 'http',
  sse: 'http',
  grpc: 'grpc',
  websocket: 'websocket',
};

let httpPart: Promise<HttpPart> | undefined;

/** The HTTP part (transports and OAuth sign-in), loaded once per process. */
export function loadHttpPart(): Promise<HttpPart> {
  httpPart ??= import('./parts/http.ts');
  return httpPart;
}

export interface LazyTransportOptions {
  /** Wraps the HTTP kinds with the stored sign-in (oauth/withSignIn.ts); the only kinds it applies to. */
  readonly signIn?: WithSignInOptions;
}

/**
 * A TransportFactory whose parts load on first use. A connect asked for before its part is loaded
 * returns a stand-in that starts the real transport once the part is there (unless closed first),
 * the same way withSignIn waits for its token store.
 */
export function lazyTransports(options: LazyTransportOptions = {}): TransportFactory {
  const loaded = new Map<PartName, TransportFactory>();
  const loading = new Map<PartName, Promise<TransportFactory>>();

  const load = async (part: PartName): Promise<TransportFactory> => {
    switch (part) {
      case 'http': {
        const http = await loadHttpPart();
        const inner: TransportFactory = (context) => (context.config.kind === 'sse' ? http.connectSse(context) : http.connectMcp(context));
        return options.signIn ? http.withSignIn(inner, options.signIn) : inner;
      }
      case 'grpc':
        return (await import('./parts/grpc.ts')).connectGrpc;
      case 'websocket':
        return (await import('./parts/websocket.ts')).connectWebSocket;
    }
  };
  const factoryFor = (part: PartName): Promise<TransportFactory> => {
    let pending = loading.get(part);
    if (!pending) {
      pending = load(part).then((factory) => {
        loaded.set(part, factory);
        return factory;
      });
      // A failed load is retried by the next connect (the session's backoff paces it).
      pending.catch(() => loading.delete(part));
      loading.set(part, pending);
    }
    return pending;
  };

  return (context: ConnectContext): Transport => {
    const part = PART_OF[context.config.kind];
    const ready = loaded.get(part);
    if (ready) return ready(context);

    let current: Transport | undefined;
    let closed: { cause: Parameters<Transport['close']>[0]; detail: string } | undefined;
    factoryFor(part).then(
      (factory) => {
        if (closed) context.sink.ended({ cause: closed.cause, detail: closed.detail, retryable: true });
        else current = factory(context);
      },
      (error: unknown) => {
        const detail = `the ${part} transport could not be loaded: ${errorMessage(error)}; reinstall the extension`;
        context.sink.ended(closed ? { cause: closed.cause, detail: closed.detail, retryable: true } : { cause: 'protocol-error', error: 'config', detail, retryable: true });
      },
    );
    return {
      get probe() {
        const transport = current;
        const probe = transport?.probe;
        return probe ? () => probe.call(transport) : undefined;
      },
      close(cause, detail) {
        if (closed) return;
        closed = { cause, detail };
        current?.close(cause, detail);
      },
    };
  };
}
