/** Counts events and bytes over a sliding window (fps, bit/s). Sans-IO: times are passed in, in ms. */
export class RateMeter {
  readonly #windowMs: number;
  readonly #events: { at: number; bytes: number }[] = [];

  constructor(windowMs = 1000) {
    this.#windowMs = windowMs;
  }

  add(atMs: number, bytes = 0): void {
    this.#events.push({ at: atMs, bytes });
    this.#trim(atMs);
  }

  /** Events per second over the window ending at `nowMs`. */
  perSecond(nowMs: number): number {
    this.#trim(nowMs);
    return (this.#events.length * 1000) / this.#windowMs;
  }

  /** Bits per second over the window ending at `nowMs`. */
  bitsPerSecond(nowMs: number): number {
    this.#trim(nowMs);
    let bytes = 0;
    for (const e of this.#events) bytes += e.bytes;
    return (bytes * 8 * 1000) / this.#windowMs;
  }

  #trim(nowMs: number): void {
    while (this.#events.length > 0 && (this.#events[0]?.at ?? 0) <= nowMs - this.#windowMs) this.#events.shift();
  }
}
