// A fixed-capacity FIFO: pushing past capacity drops the oldest item, so history never grows unbounded.

export class RingBuffer<T> {
  readonly capacity: number;
  private items: T[] = [];

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  get length(): number {
    return this.items.length;
  }

  last(): T | undefined {
    return this.items[this.items.length - 1];
  }

  /** Oldest first, as a fresh array. */
  toArray(): T[] {
    return this.items.slice();
  }

  /** The newest `n` items, oldest first. */
  tail(n: number): T[] {
    return n <= 0 ? [] : this.items.slice(-n);
  }

  clear(): void {
    this.items = [];
  }
}
