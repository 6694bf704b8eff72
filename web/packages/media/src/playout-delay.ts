/**
 * How long frames wait before playout, measured from their capture TIMESTAMP: just above the largest arrival latency
 * seen in the last `windowUs` (so arrival jitter is absorbed), and never more than the target latency. On a fast path
 * this plays well under the target; when arrivals are later than the target, frames play as they come (catching up).
 * Audio and video share one delay so they stay in sync on the capture clock.
 */
export interface PlayoutDelayOptions {
  /** Upper bound of the delay in µs (the viewer's adjustable target latency). */
  targetLatencyUs: number;
  /** Added to the largest arrival latency, µs (default 10 ms). */
  marginUs?: number;
  /** How far back arrivals count, µs of capture time (default 2 s). */
  windowUs?: number;
}

export class PlayoutDelay {
  #target: number;
  readonly #margin: number;
  readonly #window: number;
  /** (capture time, arrival latency), capture time ascending; bounded by the window (~60 video + 100 audio / 2 s). */
  readonly #arrivals: { ts: number; latency: number }[] = [];

  constructor(options: PlayoutDelayOptions) {
    this.#target = options.targetLatencyUs;
    this.#margin = options.marginUs ?? 10_000;
    this.#window = options.windowUs ?? 2_000_000;
  }

  get targetLatencyUs(): number {
    return this.#target;
  }

  set targetLatencyUs(value: number) {
    if (!(value >= 0)) throw new RangeError("the target latency must be ≥ 0");
    this.#target = value;
  }

  /** Records a frame's arrival: `nowUs` on the server's clock (local + offset). */
  observe(timestampUs: number, nowUs: number): void {
    this.#arrivals.push({ ts: timestampUs, latency: nowUs - timestampUs });
    this.#arrivals.sort((a, b) => a.ts - b.ts);
    const newest = this.#arrivals.at(-1)?.ts ?? timestampUs;
    while (this.#arrivals.length > 0 && (this.#arrivals[0]?.ts ?? 0) < newest - this.#window) this.#arrivals.shift();
    // A hard cap on top of the window, for a publisher with a broken clock.
    while (this.#arrivals.length > 1000) this.#arrivals.shift();
  }

  /** The current delay in µs. */
  get delayUs(): number {
    let max = 0;
    for (const a of this.#arrivals) max = Math.max(max, a.latency);
    return Math.min(this.#target, Math.max(0, max + this.#margin));
  }
}
