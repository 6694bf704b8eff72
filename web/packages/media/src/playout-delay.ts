/**
 * How long frames wait before playout, measured from their capture TIMESTAMP. It follows what the network needs: just
 * above the largest arrival latency seen in the last `windowUs` of capture time, so arrival jitter, key-frame bursts
 * and frames that needed a retransmission (at least one RTT late) play on time instead of being skipped. It rises at
 * once when a frame arrives later than the delay, and when the network recovers it shrinks back gradually (at most
 * `shrinkRate` µs per µs, so playback speeds up by that fraction instead of jumping ahead). It is bounded by
 * {@link limitUs}: the larger of the viewer's target latency and `maxDelayUs`; frames later than that are the jitter
 * buffer's to skip. On a fast path the delay stays well under the target (latency as low as the network allows).
 * Audio and video share one delay so they stay in sync on the capture clock.
 */
export interface PlayoutDelayOptions {
  /** The viewer's target latency in µs: the delay may exceed it only as far as the network needs, up to `maxDelayUs`. */
  targetLatencyUs: number;
  /** Bound of the delay in µs when the target is lower (default 1 s: a few RTTs of a slow mobile link). */
  maxDelayUs?: number;
  /** Added to the largest arrival latency, µs (default 10 ms). */
  marginUs?: number;
  /** How far back arrivals count, µs of capture time (default 2 s). */
  windowUs?: number;
  /** How fast the delay shrinks back once arrivals are earlier, µs per µs of arrival time (default 0.1). */
  shrinkRate?: number;
}

export class PlayoutDelay {
  #target: number;
  readonly #maxDelay: number;
  readonly #margin: number;
  readonly #window: number;
  readonly #shrinkRate: number;
  /** (capture time, arrival latency), capture time ascending; bounded by the window (~60 video + 100 audio / 2 s). */
  readonly #arrivals: { ts: number; latency: number }[] = [];
  /** The delay before the bound, µs, and the arrival time (server clock) it was last updated at. */
  #current: number;
  #updatedAtUs: number | undefined;

  constructor(options: PlayoutDelayOptions) {
    this.#target = options.targetLatencyUs;
    this.#maxDelay = options.maxDelayUs ?? 1_000_000;
    this.#margin = options.marginUs ?? 10_000;
    this.#window = options.windowUs ?? 2_000_000;
    this.#shrinkRate = options.shrinkRate ?? 0.1;
    this.#current = this.#margin;
  }

  get targetLatencyUs(): number {
    return this.#target;
  }

  set targetLatencyUs(value: number) {
    if (!(value >= 0)) throw new RangeError("the target latency must be ≥ 0");
    this.#target = value;
  }

  /** The largest delay, µs: the viewer's target or `maxDelayUs`, whichever is larger. */
  get limitUs(): number {
    return Math.max(this.#target, this.#maxDelay);
  }

  /** Records a frame's arrival: `nowUs` on the server's clock (local + offset). */
  observe(timestampUs: number, nowUs: number): void {
    this.#arrivals.push({ ts: timestampUs, latency: nowUs - timestampUs });
    this.#arrivals.sort((a, b) => a.ts - b.ts);
    const newest = this.#arrivals.at(-1)?.ts ?? timestampUs;
    while (this.#arrivals.length > 0 && (this.#arrivals[0]?.ts ?? 0) < newest - this.#window) this.#arrivals.shift();
    // A hard cap on top of the window, for a publisher with a broken clock.
    while (this.#arrivals.length > 1000) this.#arrivals.shift();

    let max = 0;
    for (const a of this.#arrivals) max = Math.max(max, a.latency);
    const need = Math.max(0, max + this.#margin);
    const elapsed = this.#updatedAtUs === undefined ? 0 : Math.max(0, nowUs - this.#updatedAtUs);
    this.#updatedAtUs = nowUs;
    // Up at once (a later frame must not be skipped); down no faster than the shrink rate (no jump ahead).
    this.#current = need >= this.#current ? need : Math.max(need, this.#current - elapsed * this.#shrinkRate);
  }

  /** The current delay in µs. */
  get delayUs(): number {
    return Math.min(this.limitUs, this.#current);
  }
}
