// An MCP SDK v1 EventStore for the lab: keeps every event a Streamable HTTP session sent, so a GET stream
// resumed with Last-Event-ID gets what it missed, and counts what it replays so tests can see resumption.
// The SDK's own InMemoryEventStore is an example file (not a package export) and orders events by a
// timestamp string; this one orders by sequence.

import type { EventId, EventStore, StreamId } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** Bound on stored events, so a long lab run stays small; the oldest go first. */
const MAX_EVENTS = 10_000;

interface StoredEvent {
  readonly id: EventId;
  readonly streamId: StreamId;
  readonly message: JSONRPCMessage;
}

export class LabEventStore implements EventStore {
  private readonly events: StoredEvent[] = [];
  private seq = 0;
  /** Last-Event-ID values clients resumed from, in order. */
  readonly resumedFrom: EventId[] = [];
  /** Events sent again by replays. */
  replayed = 0;

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const id = `${streamId}_${String(++this.seq).padStart(8, '0')}`;
    this.events.push({ id, streamId, message });
    if (this.events.length > MAX_EVENTS) this.events.shift();
    return id;
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    return this.events.find((e) => e.id === eventId)?.streamId;
  }

  async replayEventsAfter(lastEventId: EventId, { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> }): Promise<StreamId> {
    this.resumedFrom.push(lastEventId);
    const index = this.events.findIndex((e) => e.id === lastEventId);
    if (index < 0) return '';
    const { streamId } = this.events[index]!;
    for (const event of this.events.slice(index + 1)) {
      if (event.streamId !== streamId) continue;
      await send(event.id, event.message);
      this.replayed++;
    }
    return streamId;
  }
}
