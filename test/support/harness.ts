// A Monitor wired to a fake clock and the scripted fake transport, recording every event and
// transition, for core unit tests.

import { Monitor } from '../../src/core/monitor.ts';
import type { StreamEvent, StreamEventName } from '../../src/core/events.ts';
import type { MonitorOptions } from '../../src/core/model.ts';
import type { EndpointConfig } from '../../src/core/config.ts';
import { FakeClock, flush } from './fakeClock.ts';
import { FakeTransportFactory } from './fakeTransport.ts';
import { endpoint } from './endpoint.ts';

export interface Harness {
  clock: FakeClock;
  fake: FakeTransportFactory;
  monitor: Monitor;
  events: StreamEvent[];
  transitions: string[];
  of<N extends StreamEventName>(name: N): Extract<StreamEvent, { event: N }>[];
  /** Starts the given endpoints and lets the (async) connect reach the transport. */
  start(...configs: EndpointConfig[]): Promise<void>;
  tick(ms: number): Promise<void>;
}

export function harness(options: Partial<MonitorOptions> & { withProbe?: boolean } = {}): Harness {
  const clock = new FakeClock();
  const fake = new FakeTransportFactory();
  fake.withProbe = options.withProbe ?? false;
  const monitor = new Monitor({ transportFactory: fake.factory, clock, ...options });
  const events: StreamEvent[] = [];
  const transitions: string[] = [];
  monitor.onEvent((e) => events.push(e));
  monitor.onTransition((c) => transitions.push(`${c.from} -> ${c.to}`));
  return {
    clock,
    fake,
    monitor,
    events,
    transitions,
    of: (name) => events.filter((e) => e.event === name) as never,
    async start(...configs) {
      monitor.update(configs.length ? configs : [endpoint()]);
      await flush();
    },
    tick: (ms) => clock.advanceAsync(ms, Math.min(ms, 250)),
  };
}
