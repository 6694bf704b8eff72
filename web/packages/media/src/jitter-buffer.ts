import type { PlayoutDelay } from "./playout-delay.ts";

export interface BufferedFrame<T> {
  /** Capture time (LOC TIMESTAMP) in µs on the server's clock. */
  readonly timestampUs: number;
  /** A frame decoding can start from (every audio frame; video key frames). */
  readonly keyframe: boolean;
  /**
   * Published before the subscription began (a joining FETCH's backlog, for a fast start): released at once, not at its
   * playout time, so the join's key frame shows as soon as it decodes and the backlog decodes straight through to the
   * live edge; its arrival latency (it was requested late, not delayed) neither raises the playout delay nor counts as late.
   */
  readonly fetched?: boolean;
  readonly data: T;
}

export interface JitterBufferOptions {
  /** The buffer never holds more than this much capture time, µs (default 2 s). */
  maxBufferUs?: number;
  /** A frame released this long after its playout time counts as late, µs (default 50 ms). */
  lateUs?: number;
  /** Wait for a key frame first (video), rather than accept any frame (audio: every frame is a key frame). */
  startWithKeyframe?: boolean;
}

export interface PollResult<T> {
  /** Frames to decode now, in order. More than one means catching up: decode them all, show the last. */
  readonly frames: BufferedFrame<T>[];
  /** Frames discarded by this poll to catch up. */
  readonly dropped: number;
}

export interface JitterBufferStats {
  readonly late: number;
  readonly dropped: number;
  readonly released: number;
}

/**
 * Holds one track's frames until their playout time (capture TIMESTAMP + the shared {@link PlayoutDelay}). Sans-IO:
 * every call takes `nowUs` (server clock). It catches up when behind: frames past their playout time are released at
 * once (the renderer shows the newest: speed-up), and when the delay's limit is exceeded and a newer key frame is due
 * the frames before it are dropped. It never holds more than `maxBufferUs` of capture time: the oldest GOP goes first.
 */
export class JitterBuffer<T> {
  readonly #delay: PlayoutDelay;
  readonly #maxBuffer: number;
  readonly #late: number;
  readonly #startWithKeyframe: boolean;
  #frames: BufferedFrame<T>[] = [];
  #needKeyframe: boolean;
  #stats = { late: 0, dropped: 0, released: 0 };

  constructor(delay: PlayoutDelay, options: JitterBufferOptions = {}) {
    this.#delay = delay;
    this.#maxBuffer = options.maxBufferUs ?? 2_000_000;
    this.#late = options.lateUs ?? 50_000;
    this.#startWithKeyframe = options.startWithKeyframe ?? true;
    this.#needKeyframe = this.#startWithKeyframe;
  }

  get stats(): JitterBufferStats {
    return { ...this.#stats };
  }

  get length(): number {
    return this.#frames.length;
  }

  /** Buffered capture time, µs: newest − oldest timestamp (0 when empty or one frame). */
  get levelUs(): number {
    const first = this.#frames[0];
    const last = this.#frames.at(-1);
    return first === undefined || last === undefined ? 0 : last.timestampUs - first.timestampUs;
  }

  /** Adds a frame in decode order. Until a key frame arrives (at start or after a drop), others are discarded. */
  push(frame: BufferedFrame<T>, nowUs: number): void {
    // Only a video key frame is large enough to delay what follows it (PlayoutDelay); every audio frame is "key".
    if (frame.fetched !== true) this.#delay.observe(frame.timestampUs, nowUs, this.#startWithKeyframe && frame.keyframe);
    if (this.#needKeyframe && !frame.keyframe) {
      this.#stats.dropped++;
      return;
    }
    this.#needKeyframe = false;
    this.#frames.push(frame);
    this.#bound();
  }

  /** Forgets everything (rendition switch, reconnect): the next frame must be a key frame again. */
  reset(): void {
    this.#stats.dropped += this.#frames.length;
    this.#frames = [];
    this.#needKeyframe = this.#startWithKeyframe;
  }

  /**
   * Removes the frames at or after `timestampUs` (a rendition switch replaces them with the new rendition's, which
   * start with a key frame at that time), keeping the earlier ones to play out.
   */
  dropFrom(timestampUs: number): void {
    const keep = this.#frames.filter((f) => f.timestampUs < timestampUs);
    this.#stats.dropped += this.#frames.length - keep.length;
    this.#frames = keep;
  }

  /** When the head frame is due (µs, server clock; 0 for a fetched one: at once), or undefined when empty. */
  nextDueUs(): number | undefined {
    const head = this.#frames[0];
    return head === undefined ? undefined : head.fetched === true ? 0 : head.timestampUs + this.#delay.delayUs;
  }

  poll(nowUs: number): PollResult<T> {
    const delay = this.#delay.delayUs;
    let due = 0;
    while (due < this.#frames.length && this.#due(this.#frames[due], delay, nowUs)) due++;
    let dropped = 0;
    const head = this.#frames[0];
    if (due > 1 && head !== undefined && nowUs - head.timestampUs > this.#delay.limitUs) {
      // Behind even the largest playout delay (a stall, a background tab): skip to the newest due key frame, so the
      // decoder does not chew through stale frames. A less late frame plays late: the renderer catches up.
      for (let i = due - 1; i > 0; i--) {
        if (this.#frames[i]?.keyframe) {
          dropped = i;
          break;
        }
      }
    }
    const frames = this.#frames.slice(dropped, due);
    this.#frames = this.#frames.slice(due);
    this.#stats.dropped += dropped;
    this.#stats.released += frames.length;
    for (const f of frames) if (f.fetched !== true && nowUs - (f.timestampUs + delay) > this.#late) this.#stats.late++;
    return { frames, dropped };
  }

  /** Fast start: a joining FETCH's frames are behind the live edge by definition, whatever the clock says. */
  #due(frame: BufferedFrame<T> | undefined, delayUs: number, nowUs: number): boolean {
    return frame !== undefined && (frame.fetched === true || frame.timestampUs + delayUs <= nowUs);
  }

  #bound(): void {
    while (this.levelUs > this.#maxBuffer) {
      // Drop the oldest GOP: everything up to the next key frame after the head.
      let next = 1;
      while (next < this.#frames.length && !this.#frames[next]?.keyframe) next++;
      this.#stats.dropped += next;
      this.#frames = this.#frames.slice(next);
      if (this.#frames.length === 0) this.#needKeyframe = this.#startWithKeyframe;
    }
  }
}
