// Runs the real core Monitor with the real transports on one endpoint and records its events; the
// grpc and websocket integration tests share it (waiting helpers come from monitorHarness).

import { Monitor } from '../../../src/core/monitor.ts';
import type { EndpointConfig } from '../../../src/core/config.ts';
import type { StreamEvent } from '../../../src/core/events.ts';
import { createTransport } from '../../../src/transports/index.ts';
import { eventLog } from './monitorHarness.ts';
import type { EventLog } from './monitorHarness.ts';

export interface Watched {
  readonly monitor: Monitor;
  readonly log: EventLog;
  readonly started: number;
  /** Events of one kind recorded at or after index `from`. */
  since<N extends StreamEvent['event']>(name: N, from: number): Extract<StreamEvent, { event: N }>[];
  dispose(): void;
}

export function watch(config: EndpointConfig): Watched {
  const monitor = new Monitor({ transportFactory: createTransport });
  const log = eventLog();
  monitor.onEvent((event) => log.listener(event));
  if (process.env.STREAM_HEALTH_TEST_TRACE) monitor.onEvent((event) => console.log(JSON.stringify(event)));
  monitor.update([config]);
  return {
    monitor,
    log,
    started: performance.now(),
    since: (name, from) => log.events.slice(from).filter((e) => e.event === name) as never,
    dispose: () => monitor.dispose(),
  };
}
