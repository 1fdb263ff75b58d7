// placeholder until the transport lands (issue 3): every connect fails as not implemented.
import type { ConnectContext, Transport } from '../core/transport.ts';

export function connectWebSocket(context: ConnectContext): Transport {
  queueMicrotask(() =>
    context.sink.ended({ cause: 'protocol-error', error: 'config', detail: 'websocket transport not implemented yet', retryable: false }),
  );
  return { close() {} };
}
