/**
 * A sliding-window counter: at most `limit` events in any `windowMs`. Times are supplied by the caller (a clock for
 * sending, a message's send time for receiving), so it is deterministic.
 */
export class RateWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #times: number[] = [];

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Whether an event at `time` fits; it is counted only when it does. Times must not decrease much (late ones are checked against the window around them). */
  tryAdd(time: number): boolean {
    const inWindow = this.#times.filter((t) => Math.abs(t - time) < this.#windowMs);
    if (inWindow.length >= this.#limit) return false;
    this.#times.push(time);
    // Keep what can still matter for later times.
    const newest = Math.max(...this.#times);
    while (this.#times.length > 0 && (this.#times[0] as number) <= newest - this.#windowMs) this.#times.shift();
    return true;
  }
}
