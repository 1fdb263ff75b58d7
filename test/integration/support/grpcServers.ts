// Misbehaving and test-only gRPC servers (grpc-js + the standard health service) that the lab does not
// provide: an oversized stream message, streams that end on their own, and TLS with a given cert.

import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';

const identity = (bytes: Buffer): Buffer => bytes;

/** The token the Auth method accepts. */
export const GOOD_TOKEN = 'test-token-1';

function method(path: string): grpc.MethodDefinition<Buffer, Buffer> {
  return {
    path,
    requestStream: false,
    responseStream: true,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  };
}

/** Opaque server-streaming methods, addressed with `grpc.method` + `grpc.requestBase64`. */
export const TEST_METHODS = {
  /** Sends a small message, then one of `bigMessageBytes`, then stays open. */
  big: '/streamhealth.test.Stream/Big',
  /** The first `endFirst` calls send one message and end with OK; later ones stay open. */
  flaky: '/streamhealth.test.Stream/Flaky',
  /** Sends nothing at all (so not even response headers) and stays open. */
  silent: '/streamhealth.test.Stream/Silent',
  /** Needs metadata `authorization: Bearer <GOOD_TOKEN>`; otherwise ends with 16 UNAUTHENTICATED. */
  auth: '/streamhealth.test.Stream/Auth',
} as const;

export interface GrpcTestServerOptions {
  readonly bigMessageBytes?: number;
  readonly endFirst?: number;
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  /** Reuse a port (restart). */
  readonly port?: number;
}

export interface GrpcTestServer {
  readonly port: number;
  readonly stats: { readonly open: number; readonly opened: number };
  close(): Promise<void>;
}

export async function startGrpcTestServer(options: GrpcTestServerOptions = {}): Promise<GrpcTestServer> {
  const server = new grpc.Server();
  new HealthImplementation({ '': 'SERVING' }).addToServer(server);
  const open = new Set<grpc.ServerWritableStream<Buffer, Buffer>>();
  let opened = 0;
  const track = (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
    opened++;
    open.add(call);
    const forget = () => open.delete(call);
    call.on('cancelled', forget);
    call.on('close', forget);
    call.on('error', forget);
  };
  server.addService(
    { Big: method(TEST_METHODS.big), Flaky: method(TEST_METHODS.flaky), Silent: method(TEST_METHODS.silent), Auth: method(TEST_METHODS.auth) } as grpc.ServiceDefinition,
    {
      Big(call: grpc.ServerWritableStream<Buffer, Buffer>) {
        track(call);
        call.write(Buffer.from('small'));
        setTimeout(() => call.write(Buffer.alloc(options.bigMessageBytes ?? 64 * 1024, 0x61)), 50).unref();
      },
      Silent(call: grpc.ServerWritableStream<Buffer, Buffer>) {
        track(call);
      },
      Auth(call: grpc.ServerWritableStream<Buffer, Buffer>) {
        if (call.metadata.get('authorization')[0] !== `Bearer ${GOOD_TOKEN}`) {
          call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: 'missing or bad token' });
          return;
        }
        track(call);
        call.write(Buffer.from('welcome'));
      },
      Flaky(call: grpc.ServerWritableStream<Buffer, Buffer>) {
        track(call);
        call.write(Buffer.from('hello'));
        if (opened <= (options.endFirst ?? 0)) call.end();
      },
    } as grpc.UntypedServiceImplementation,
  );
  const credentials = options.tls
    ? grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(options.tls.key), cert_chain: Buffer.from(options.tls.cert) }], false)
    : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${options.port ?? 0}`, credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    port,
    get stats() {
      return { open: open.size, opened };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const call of open) call.end();
        server.tryShutdown(() => resolve());
        // Streams a client keeps open would hold tryShutdown forever.
        setTimeout(() => server.forceShutdown(), 500).unref();
      }),
  };
}
