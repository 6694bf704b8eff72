/**
 * How long frames wait before playout, measured from their capture TIMESTAMP (arrival latency = arrival − capture, on
 * the server's clock). It covers what most arrivals need, not the worst one: a high percentile (`quantile`, default
 * p90) of the arrival latencies of the last `windowUs` of capture time, plus `marginUs`. A frame later than that plays
 * late (the renderer holds the previous frame for a moment, then catches up) instead of pushing every later frame's
 * latency up to the worst outlier, as a delay following the maximum did (BENCHMARKS.md, testbed 3g: p50 1069 ms).
 *
 * Video key frames are the exception: they are large and serialised at the link rate, so on a slow link every key
 * frame and the frames queued behind it (any track's) arrive late, once per group. Left to the percentile, that burst
 * of late frames sets the delay at the key frame's latency; ignored, each key frame would freeze the picture for its
 * whole lateness. The delay covers each key frame of the window but `keyFrameLatenessUs` (default 100 ms: with one
 * frame interval the freeze stays under the ~200 ms a viewer sees as a stall), and the frames that arrive in its shadow
 * (after it in capture time, no later than it) count for the percentile as at most that much: they wait for the key
 * frame anyway and are released with it.
 *
 * It rises at once (more late frames would follow). It shrinks back at most `shrinkRate` µs per µs of arrival time
 * (playback runs that much faster) while it is at most `catchUpUs` above what the window needs; further above (after a
 * congestion episode, a stall, a joining group that queued the live data behind it) it drops to the need at once, and
 * the jitter buffers release what is then due together: the picture skips to the live edge. The need itself is the
 * last second's (`recentWindowUs`) when that is more than `catchUpUs` below the whole window's: the episode is over. Speeding up through such
 * an excess took seconds at the bound (testbed 3g/varying: 5-6 s at ~1 s after each episode, a large share of a run's
 * median), while a viewer sees a skip forward once. It is bounded by {@link limitUs}: the larger of the viewer's
 * target latency and `maxDelayUs`; frames later than that are the jitter buffer's to skip. On a fast path the delay
 * stays well under the target (latency as low as the network allows). Audio and video share one delay so they stay in
 * sync on the capture clock.
 */
export interface PlayoutDelayOptions {
  /** The viewer's target latency in µs: the delay may exceed it only as far as the network needs, up to `maxDelayUs`. */
  targetLatencyUs: number;
  /** Bound of the delay in µs when the target is lower (default 1 s: a few RTTs of a slow mobile link). */
  maxDelayUs?: number;
  /** Added to the percentile, µs (default 10 ms). */
  marginUs?: number;
  /** How far back arrivals count, µs of capture time (default 3 s: three key frames at the usual 1 s GOP). */
  windowUs?: number;
  /** The share of arrivals (other than key frames) the delay covers, in (0, 1] (default 0.9; 1 follows the maximum). */
  quantile?: number;
  /** How late a video key frame (and what is queued behind it) may play, µs (default 100 ms). */
  keyFrameLatenessUs?: number;
  /** How fast the delay shrinks back once arrivals are earlier, µs per µs of arrival time (default 0.25). */
  shrinkRate?: number;
  /**
   * Above the need by more than this, µs, the delay drops to the need at once (default 250 ms); and when the last
   * `recentWindowUs` of arrivals need this much less than the whole window, they are the need (the episode is over).
   */
  catchUpUs?: number;
  /** The recent part of the window that ends an episode early, µs of capture time (default 1 s: one GOP). */
  recentWindowUs?: number;
  /**
   * An arrival this close after (or before) an earlier-captured frame's arrival, and later than the median, waited
   * for it (head-of-line blocking behind a retransmission): it counts as on time, µs (default 5 ms).
   */
  headOfLineToleranceUs?: number;
}

interface Arrival {
  readonly ts: number;
  readonly latency: number;
  readonly keyframe: boolean;
}

export class PlayoutDelay {
  #target: number;
  readonly #maxDelay: number;
  readonly #margin: number;
  readonly #window: number;
  readonly #quantile: number;
  readonly #keyFrameLateness: number;
  readonly #shrinkRate: number;
  readonly #catchUp: number;
  readonly #holTolerance: number;
  readonly #recentWindow: number;
  /** Capture time ascending; bounded by the window (~90 video + 150 audio frames in 3 s) and a hard cap. */
  readonly #arrivals: Arrival[] = [];
  /** The delay before the bound, µs, and the arrival time (server clock) it was last updated at. */
  #current: number;
  #updatedAtUs: number | undefined;

  constructor(options: PlayoutDelayOptions) {
    this.#target = options.targetLatencyUs;
    this.#maxDelay = options.maxDelayUs ?? 1_000_000;
    this.#margin = options.marginUs ?? 10_000;
    this.#window = options.windowUs ?? 3_000_000;
    this.#quantile = options.quantile ?? 0.9;
    this.#keyFrameLateness = options.keyFrameLatenessUs ?? 100_000;
    this.#shrinkRate = options.shrinkRate ?? 0.25;
    this.#catchUp = options.catchUpUs ?? 250_000;
    this.#holTolerance = options.headOfLineToleranceUs ?? 5_000;
    this.#recentWindow = options.recentWindowUs ?? 1_000_000;
    if (!(this.#quantile > 0 && this.#quantile <= 1)) throw new RangeError("the quantile must be in (0, 1]");
    if (!(this.#shrinkRate > 0)) throw new RangeError("the shrink rate must be > 0");
    if (!(this.#catchUp >= 0)) throw new RangeError("the catch-up threshold must be ≥ 0");
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

  /**
   * Records a frame's arrival: `nowUs` on the server's clock (local + offset). `keyframe`: a video key frame (the
   * first object of a group), not an audio frame, which is independent too but small.
   */
  observe(timestampUs: number, nowUs: number, keyframe = false): void {
    const arrival = { ts: timestampUs, latency: nowUs - timestampUs, keyframe };
    // Tracks interleave, and each is in capture order: the new arrival belongs near the end.
    let at = this.#arrivals.length;
    while (at > 0 && (this.#arrivals[at - 1]?.ts ?? 0) > timestampUs) at--;
    this.#arrivals.splice(at, 0, arrival);
    const newest = this.#arrivals.at(-1)?.ts ?? timestampUs;
    let old = 0;
    while (old < this.#arrivals.length && (this.#arrivals[old]?.ts ?? 0) < newest - this.#window) old++;
    // A hard cap on top of the window, for a publisher with a broken clock.
    old = Math.max(old, this.#arrivals.length - 1000);
    if (old > 0) this.#arrivals.splice(0, old);

    // An episode is over when the last `recentWindowUs` alone need far less than the whole window: the late arrivals
    // still in the window describe a queue that has drained (a congestion episode, a join queued behind its fetch), so
    // the recent ones decide and the delay catches up at once, instead of after the window lets go of them.
    const whole = this.#need(this.#arrivals);
    const recentFrom = newest - this.#recentWindow;
    const recent = this.#need(this.#arrivals.filter((a) => a.ts >= recentFrom));
    const need = Math.max(0, whole - recent > this.#catchUp ? recent : whole);
    const elapsed = this.#updatedAtUs === undefined ? 0 : Math.max(0, nowUs - this.#updatedAtUs);
    this.#updatedAtUs = nowUs;
    // Up at once (the frames behind this one would be late too); down no faster than the shrink rate, unless far above
    // the need: then to the live edge at once. The excess is measured against the bounded delay, which is what plays.
    if (need >= this.#current) this.#current = need;
    else if (Math.min(this.limitUs, this.#current) - need > this.#catchUp) this.#current = need;
    else this.#current = Math.max(need, this.#current - elapsed * this.#shrinkRate);
  }

  /** The current delay in µs. */
  get delayUs(): number {
    return Math.min(this.limitUs, this.#current);
  }

  /**
   * max(key frames' latency − their allowed lateness, the quantile of the other arrivals + margin) over the window.
   * A key frame casts a shadow only when it is late enough to matter (its term above the others' median latency): it
   * and the arrivals between its term and its own latency count as its term. Otherwise it is an arrival like the
   * others (on a fast path nothing is capped). An arrival blocked behind an earlier-captured one (it arrived with it)
   * counts as the median: with 1 % loss at 150 ms RTT (testbed 3g) each lost packet delays its frame by ~250 ms and
   * releases the 5-10 frames of that stream queued behind it together, so a tenth of the arrivals are late although
   * only one frame in a hundred was lost, and the p90 covered the retransmissions (delay ~150 ms on a ~80 ms path).
   */
  #need(arrivals: readonly Arrival[]): number {
    const others = arrivals.filter((a) => !a.keyframe).map((a) => a.latency);
    let keyNeed = Number.NEGATIVE_INFINITY;
    for (const a of arrivals) if (a.keyframe) keyNeed = Math.max(keyNeed, a.latency - this.#keyFrameLateness);
    // Key frames alone (the first frame): nothing to compare them with, so they are ordinary arrivals.
    const median =
      others.length === 0
        ? Number.POSITIVE_INFINITY
        : quantileOf(
            others.sort((x, y) => x - y),
            0.5,
          );
    let shadowOf: Arrival | undefined;
    /** The latest arrival time (server clock) of the arrivals captured earlier than the current one. */
    let released = Number.NEGATIVE_INFINITY;
    const effective: number[] = [];
    for (const a of arrivals) {
      if (a.keyframe) shadowOf = a.latency - this.#keyFrameLateness > median ? a : undefined;
      const inShadow = shadowOf !== undefined && a.latency <= shadowOf.latency;
      const arrivedAt = a.ts + a.latency;
      // Head-of-line blocked: it arrived together with an earlier-captured frame (its group's stream delivers in order,
      // so a retransmitted packet releases everything queued behind it at once). Covering it is covering that frame:
      // one event, one freeze when late, so it counts as an on-time arrival and the frame it waited for as the event.
      const blocked = !a.keyframe && a.latency > median && arrivedAt <= released + this.#holTolerance;
      released = Math.max(released, arrivedAt);
      if (blocked) effective.push(median);
      else effective.push(inShadow ? Math.min(a.latency, (shadowOf?.latency ?? 0) - this.#keyFrameLateness) : a.latency);
    }
    effective.sort((x, y) => x - y);
    return Math.max(keyNeed, quantileOf(effective, this.#quantile) + this.#margin);
  }
}

/** Nearest rank: the smallest value that at least `q` of the (ascending, non-empty) values do not exceed. */
function quantileOf(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}
