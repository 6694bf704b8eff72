/**
 * A bounded single-consumer queue with async iteration. When full, the oldest item is dropped (and counted): live
 * data is worth more than stale data, and a consumer that falls behind must not grow memory without bound.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly #capacity: number;
  #items: T[] = [];
  #waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | null = null;
  #ended = false;
  #error: unknown = null;
  #dropped = 0;

  constructor(capacity: number) {
    if (!(capacity >= 1)) throw new RangeError("queue capacity must be at least 1");
    this.#capacity = capacity;
  }

  /** Items dropped because the consumer was `capacity` items behind. */
  get dropped(): number {
    return this.#dropped;
  }

  get ended(): boolean {
    return this.#ended;
  }

  get size(): number {
    return this.#items.length;
  }

  push(item: T): void {
    if (this.#ended) return;
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      waiter.resolve({ value: item, done: false });
      return;
    }
    if (this.#items.length >= this.#capacity) {
      this.#items.shift();
      this.#dropped++;
    }
    this.#items.push(item);
  }

  /** Ends the queue: buffered items are still delivered, then iteration ends (or throws `error`). */
  end(error: unknown = null): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    const waiter = this.#waiter;
    if (waiter === null) return;
    this.#waiter = null;
    if (error !== null) waiter.reject(error);
    else waiter.resolve({ value: undefined, done: true });
  }

  /** The next item, or undefined once the queue ended (throws if it ended with an error). */
  async next(): Promise<T | undefined> {
    const r = await this.#next();
    return r.done ? undefined : r.value;
  }

  #next(): Promise<IteratorResult<T>> {
    if (this.#items.length > 0) return Promise.resolve({ value: this.#items.shift() as T, done: false });
    if (this.#ended) return this.#error !== null ? Promise.reject(this.#error) : Promise.resolve({ value: undefined, done: true });
    if (this.#waiter !== null) return Promise.reject(new Error("AsyncQueue has a single consumer"));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.#next() };
  }
}
