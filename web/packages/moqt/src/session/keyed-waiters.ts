/**
 * Callers waiting, each for a bounded time, for something to appear under a key: a data stream for the SUBSCRIBE_OK of
 * its Track Alias, a joining FETCH for the SUBSCRIBE it names, a publisher for its served subscriptions to end. A
 * waiter gets `undefined` when its time is up.
 */
export class KeyedWaiters<K, V> {
  readonly #waiters = new Map<K, ((value: V | undefined) => void)[]>();

  wait(key: K, timeoutMs: number): Promise<V | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const list = this.#waiters.get(key);
        if (list !== undefined) {
          const i = list.indexOf(waiter);
          if (i >= 0) list.splice(i, 1);
          if (list.length === 0) this.#waiters.delete(key);
        }
        resolve(undefined);
      }, timeoutMs);
      const waiter = (value: V | undefined) => {
        clearTimeout(timer);
        resolve(value);
      };
      const list = this.#waiters.get(key);
      if (list === undefined) this.#waiters.set(key, [waiter]);
      else list.push(waiter);
    });
  }

  /** Settles every waiter of `key`. */
  settle(key: K, value: V | undefined): void {
    const list = this.#waiters.get(key);
    if (list === undefined) return;
    this.#waiters.delete(key);
    for (const waiter of list) waiter(value);
  }

  /** Settles every waiter with `undefined` (the session ended). */
  clear(): void {
    for (const key of [...this.#waiters.keys()]) this.settle(key, undefined);
  }
}
