// A fixed-capacity FIFO: pushing past capacity drops the oldest item, so history never grows unbounded.
// Circular, so a push on a full buffer is O(1) (heartbeat times are pushed once per stream message).

export class RingBuffer<T> {
  readonly capacity: number;
  private items: T[] = [];
  /** Index of the oldest item once the buffer is full; 0 until then. */
  private start = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  push(item: T): void {
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.items[this.start] = item;
    this.start = this.start + 1 === this.capacity ? 0 : this.start + 1;
  }

  get length(): number {
    return this.items.length;
  }

  /** The oldest item: the one the next push drops when the buffer is full. */
  first(): T | undefined {
    return this.items[this.start];
  }

  last(): T | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    return this.items[this.start === 0 ? n - 1 : this.start - 1];
  }

  /** Oldest first, as a fresh array. */
  toArray(): T[] {
    return this.start === 0 ? this.items.slice() : this.items.slice(this.start).concat(this.items.slice(0, this.start));
  }

  /** The newest `n` items, oldest first. */
  tail(n: number): T[] {
    const size = this.items.length;
    if (n <= 0) return [];
    if (n >= size) return this.toArray();
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = this.items[(this.start + size - n + i) % size]!;
    return out;
  }

  clear(): void {
    this.items = [];
    this.start = 0;
  }
}
