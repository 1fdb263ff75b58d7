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

/**
 * A RingBuffer of numbers in a Float64Array: 8 bytes an entry. Plain arrays made by RingBuffer hold
 * numbers as boxed heap numbers (~30 bytes an entry measured) once that one allocation site has seen
 * objects, because V8 then creates every array from it with tagged elements; heartbeat times were most
 * of a full history's heap. Grows by doubling up to its capacity, from nothing until the first push.
 */
export class NumberRing {
  readonly capacity: number;
  private items: Float64Array | null = null;
  private size = 0;
  /** Index of the oldest item once the ring is full; 0 until then. */
  private start = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  push(value: number): void {
    if (this.size < this.capacity) {
      if (!this.items || this.size === this.items.length) this.grow();
      this.items![this.size++] = value;
      return;
    }
    this.items![this.start] = value;
    this.start = this.start + 1 === this.capacity ? 0 : this.start + 1;
  }

  get length(): number {
    return this.size;
  }

  first(): number | undefined {
    return this.size === 0 ? undefined : this.items![this.start];
  }

  last(): number | undefined {
    if (this.size === 0) return undefined;
    return this.items![this.start === 0 ? this.size - 1 : this.start - 1];
  }

  /** Oldest first, as a fresh array. */
  toArray(): number[] {
    return this.tail(this.size);
  }

  /** The newest `n` items, oldest first. */
  tail(n: number): number[] {
    const count = Math.min(Math.max(0, n), this.size);
    const out = new Array<number>(count);
    // While not full the ring is linear from 0 and `start` is 0; once full, size === capacity.
    for (let i = 0; i < count; i++) out[i] = this.items![(this.start + this.size - count + i) % this.size]!;
    return out;
  }

  clear(): void {
    this.items = null;
    this.size = 0;
    this.start = 0;
  }

  private grow(): void {
    const next = new Float64Array(Math.min(this.capacity, this.items ? this.items.length * 2 : 8));
    if (this.items) next.set(this.items);
    this.items = next;
  }
}
