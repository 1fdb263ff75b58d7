// A scripted Transport for core unit tests: the test drives each connect attempt (open, activity,
// end) and answers probes by hand, and can inspect what the core asked for (close calls, headers).

import type { ConnectContext, EndInfo, ProbeResult, Transport, TransportFactory } from '../../src/core/transport.ts';

export interface ProbeCall {
  resolve(result: ProbeResult): void;
  reject(error: Error): void;
}

export class FakeConnection implements Transport {
  readonly context: ConnectContext;
  closed: { cause: string; detail: string } | undefined;
  ended = false;
  readonly probes: ProbeCall[] = [];
  readonly probe?: () => Promise<ProbeResult>;

  constructor(context: ConnectContext, withProbe: boolean) {
    this.context = context;
    if (withProbe) {
      this.probe = () =>
        new Promise<ProbeResult>((resolve, reject) => {
          this.probes.push({ resolve, reject });
        });
    }
  }

  open(detail = 'fake stream'): this {
    this.context.sink.opened({ detail });
    return this;
  }
  data(bytes = 10): this {
    this.context.sink.activity({ bytes });
    return this;
  }
  heartbeat(kind = 'sse-comment'): this {
    this.context.sink.activity({ bytes: 1, heartbeat: kind });
    return this;
  }
  /** An inbound answer to our own probe on the stream (a WebSocket pong). */
  probeReply(kind = 'ws-pong'): this {
    this.context.sink.activity({ bytes: 1, heartbeat: kind, probeReply: true });
    return this;
  }
  end(info: Partial<EndInfo> = {}): void {
    if (this.ended) return;
    this.ended = true;
    this.context.sink.ended({ cause: 'eof', detail: 'server closed the stream', retryable: true, ...info });
  }
  /** Answers the oldest unanswered probe. */
  answerProbe(rttMs = 12, kind = 'mcp-ping'): void {
    const call = this.probes.shift();
    if (!call) throw new Error('no probe pending');
    call.resolve({ kind, rttMs });
  }
  failProbe(message = 'probe failed'): void {
    const call = this.probes.shift();
    if (!call) throw new Error('no probe pending');
    call.reject(new Error(message));
  }
  close(cause: EndInfo['cause'], detail: string): void {
    if (this.closed) return;
    this.closed = { cause, detail };
    this.end({ cause, detail });
  }
}

export class FakeTransportFactory {
  readonly connections: FakeConnection[] = [];
  /** Whether new connections offer a liveness probe. */
  withProbe = false;
  /** Run on every new connection, e.g. to open or fail it at once. */
  onConnect: ((connection: FakeConnection) => void) | undefined;

  readonly factory: TransportFactory = (context) => {
    const connection = new FakeConnection(context, this.withProbe);
    this.connections.push(connection);
    this.onConnect?.(connection);
    return connection;
  };

  get last(): FakeConnection {
    const c = this.connections[this.connections.length - 1];
    if (!c) throw new Error('no connection attempted yet');
    return c;
  }
}
