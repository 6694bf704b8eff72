/** A video rendition as the catalog describes it (docs/media-format.md: `bitrate` in bit/s). */
export interface Rendition {
  readonly name: string;
  readonly bitrate?: number | undefined;
}

export interface RateAdaptationOptions {
  /** Arrival latency above its minimum of the last `baseWindowMs` for all of `queueWindowMs`: a standing queue, ms. */
  readonly downQueueMs: number;
  readonly queueWindowMs: number;
  readonly baseWindowMs: number;
  /** Late frames (the player's counter) within `lateWindowMs` that mean the rendition does not fit. */
  readonly lateFrames: number;
  readonly lateWindowMs: number;
  /** A rendition fits while the path's capacity estimate is at least its bitrate times this. */
  readonly downHeadroom: number;
  /** A higher rendition is taken only when every recent capacity estimate is at least its bitrate times this. */
  readonly upHeadroom: number;
  /** Key-frame capacity estimates kept (median for down, minimum for up). */
  readonly estimates: number;
  /** Up only after this long without a reason to go down and since the last switch, ms. */
  readonly upStableMs: number;
  /** An up-switch followed by a down-switch within this multiplies `upStableMs` by `failedUpFactor` (up to `maxUpStableMs`), ms. */
  readonly failedUpMs: number;
  readonly failedUpFactor: number;
  readonly maxUpStableMs: number;
  /** After a switch, no decision for this long: the splice waits for the new rendition's key frame, ms. */
  readonly switchGraceMs: number;
}

export const RATE_ADAPTATION_DEFAULTS: RateAdaptationOptions = {
  downQueueMs: 100,
  queueWindowMs: 300,
  baseWindowMs: 10_000,
  lateFrames: 8,
  lateWindowMs: 3000,
  downHeadroom: 1.5,
  upHeadroom: 3,
  estimates: 3,
  upStableMs: 4000,
  failedUpMs: 10_000,
  failedUpFactor: 4,
  maxUpStableMs: 64_000,
  switchGraceMs: 3000,
};

/** Smallest serialisation delay an estimate divides by, so a key frame that arrived with no delay is not infinite. */
const MIN_EXCESS_MS = 5;

/**
 * Chooses the video rendition automatically (sans-IO: every call takes the time, in ms, from one monotonic clock).
 *
 * Signals, from live (not fetched) video objects: arrival latency `arrival - capture TIMESTAMP` (the clock offset is
 * constant, so only differences are used); its minimum over 10 s is the path's base, and latency that stays 100 ms
 * above it for 300 ms is a standing queue, i.e. the rendition does not fit (a queue that grows at the rendition's
 * excess rate: every frame in the window later than the one before; one retransmission delays a few frames, and those
 * behind it arrive with it, so the window's minimum stays low). A key frame is the one burst a live stream
 * sends (several times a typical frame, sent at once): the extra latency it arrives with over the base object is the
 * serialisation time of its extra bytes at the bottleneck, so `8 * (bytes - base bytes) / extra` estimates the path's
 * capacity (a packet-train estimate; jitter and retransmissions only make it lower, so it errs towards the lower
 * rendition). The player's
 * late-frame counter is a third signal.
 *
 * Decisions, by {@link decide}: down at once (to the highest lower rendition the capacity carries with `downHeadroom`)
 * on a standing queue, repeated late frames, or a capacity below `downHeadroom` times the playing bitrate; up one step
 * only after `upStableMs` without any of those and with every recent estimate at least `upHeadroom` times the higher
 * bitrate. The gap between the two headrooms and the stable period are the hysteresis; an up-switch that fails within
 * `failedUpMs` multiplies the stable period by `failedUpFactor` (4: 4, 16, 64 s), so a link at the edge does not make
 * playback oscillate. The up headroom is 3x because an up-switch is the expensive mistake: the higher rendition's
 * joining group and its key frames queue behind each other, and on a link that then steps down (testbed `varying`:
 * 2 -> 0.5 Mbit/s) the stall lasts until the down-switch's key frame, while staying low costs only picture quality.
 */
export class RateAdaptation {
  readonly #options: RateAdaptationOptions;
  /** Live objects of the last `baseWindowMs`: arrival time, arrival latency, size. */
  readonly #samples: { at: number; lag: number; bytes: number }[] = [];
  /** Key-frame capacity estimates, bit/s, newest last. */
  readonly #estimates: { at: number; bps: number }[] = [];
  #late: { at: number; late: number }[] = [];
  #lateGraceUntil = Number.NEGATIVE_INFINITY;
  #troubleAt = Number.NEGATIVE_INFINITY;
  #switchedAt = Number.NEGATIVE_INFINITY;
  /** The first observation: a stable period cannot start before it. */
  #startedAt: number | undefined;
  #upAt: number | undefined;
  #upStableMs: number;

  constructor(options: Partial<RateAdaptationOptions> = {}) {
    this.#options = { ...RATE_ADAPTATION_DEFAULTS, ...options };
    this.#upStableMs = this.#options.upStableMs;
  }

  /** The current wait for an up-switch, ms (grows after failed up-switches). */
  get upStableMs(): number {
    return this.#upStableMs;
  }

  /** The newest key-frame capacity estimate, bit/s. */
  get capacity(): number | undefined {
    return this.#estimates.at(-1)?.bps;
  }

  /** A live video object arrived at `arrivalMs` with capture time `timestampUs` (LOC TIMESTAMP). */
  observe(arrivalMs: number, timestampUs: number, bytes: number, keyframe: boolean): void {
    this.#startedAt ??= arrivalMs;
    const lag = arrivalMs - timestampUs / 1000;
    this.#samples.push({ at: arrivalMs, lag, bytes });
    while ((this.#samples[0]?.at ?? arrivalMs) < arrivalMs - this.#options.baseWindowMs) this.#samples.shift();
    const base = this.#base();
    if (!keyframe || base === undefined || base.bytes >= bytes) return;
    const excess = Math.max(lag - base.lag, MIN_EXCESS_MS);
    this.#estimates.push({ at: arrivalMs, bps: ((bytes - base.bytes) * 8 * 1000) / excess });
    if (this.#estimates.length > this.#options.estimates) this.#estimates.shift();
  }

  /** The player's cumulative late-frame counter at `nowMs`. */
  observeLateFrames(lateFrames: number, nowMs: number): void {
    if (nowMs < this.#lateGraceUntil) {
      this.#late = [{ at: nowMs, late: lateFrames }];
      return;
    }
    this.#late.push({ at: nowMs, late: lateFrames });
    while ((this.#late[0]?.at ?? nowMs) < nowMs - this.#options.lateWindowMs) this.#late.shift();
  }

  /**
   * The rendition to switch to now, or undefined to stay. `renditions` is ordered best first (as `videoRenditions`
   * returns them); `current` is the one playing or being switched to.
   */
  decide(nowMs: number, renditions: readonly Rendition[], current: string): Rendition | undefined {
    const index = renditions.findIndex((r) => r.name === current);
    const playing = renditions[index];
    if (playing === undefined || nowMs < this.#switchedAt + this.#options.switchGraceMs) return undefined;
    const capacity = this.#median();
    if (this.#mustGoDown(nowMs, playing, capacity)) {
      this.#troubleAt = nowMs;
      const lower = renditions.slice(index + 1);
      const target =
        lower.find((r) => capacity !== undefined && r.bitrate !== undefined && r.bitrate * this.#options.downHeadroom <= capacity) ??
        lower.at(-1);
      if (target === undefined) return undefined;
      if (this.#upAt !== undefined && nowMs - this.#upAt < this.#options.failedUpMs) {
        this.#upStableMs = Math.min(this.#upStableMs * this.#options.failedUpFactor, this.#options.maxUpStableMs);
      }
      this.#upAt = undefined;
      return target;
    }
    if (this.#upAt !== undefined && nowMs - this.#upAt >= this.#options.failedUpMs) {
      // The last up-switch held: a later one need not wait longer than usual.
      this.#upStableMs = this.#options.upStableMs;
      this.#upAt = undefined;
    }
    const higher = renditions[index - 1];
    const higherBitrate = higher?.bitrate;
    if (higher === undefined || higherBitrate === undefined) return undefined;
    const since = Math.max(this.#troubleAt, this.#switchedAt, this.#startedAt ?? nowMs);
    if (nowMs - since < this.#upStableMs) return undefined;
    const recent = this.#estimates.filter((e) => e.at >= nowMs - this.#upStableMs);
    if (recent.length < this.#options.estimates) return undefined;
    if (recent.some((e) => e.bps < higherBitrate * this.#options.upHeadroom)) return undefined;
    this.#upAt = nowMs;
    return higher;
  }

  /** A switch started at `nowMs` (automatic or manual): decisions and late frames wait for the new rendition. */
  switched(nowMs: number): void {
    this.#switchedAt = nowMs;
    this.#late = [];
    this.#lateGraceUntil = nowMs + this.#options.switchGraceMs;
  }

  #mustGoDown(nowMs: number, playing: Rendition, capacity: number | undefined): boolean {
    const oldest = this.#late[0];
    const newest = this.#late.at(-1);
    if (oldest !== undefined && newest !== undefined && newest.late - oldest.late >= this.#options.lateFrames) return true;
    if (capacity !== undefined && playing.bitrate !== undefined && capacity < playing.bitrate * this.#options.downHeadroom) return true;
    return this.#queueMs(nowMs) > this.#options.downQueueMs;
  }

  /** The smallest arrival latency of the last `queueWindowMs` above the base: 0 unless every object waited. */
  #queueMs(nowMs: number): number {
    const first = this.#samples[0];
    // A queue needs a base to stand on: at least one window of history before the recent one.
    if (first === undefined || first.at > nowMs - 2 * this.#options.queueWindowMs) return 0;
    let recent = Number.POSITIVE_INFINITY;
    for (const s of this.#samples) if (s.at >= nowMs - this.#options.queueWindowMs) recent = Math.min(recent, s.lag);
    return recent === Number.POSITIVE_INFINITY ? 0 : recent - (this.#base()?.lag ?? recent);
  }

  /** The object with the smallest arrival latency of the last `baseWindowMs`. */
  #base(): { lag: number; bytes: number } | undefined {
    let base: { lag: number; bytes: number } | undefined;
    for (const s of this.#samples) if (base === undefined || s.lag < base.lag) base = s;
    return base;
  }

  /** Median of the recent estimates; undefined until there are two. */
  #median(): number | undefined {
    if (this.#estimates.length < 2) return undefined;
    const sorted = this.#estimates.map((e) => e.bps).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }
}
