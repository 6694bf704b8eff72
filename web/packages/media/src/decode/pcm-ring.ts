/**
 * The AudioWorklet's queue of planar PCM. Decoded audio arrives at its playout time (the jitter buffer shares one
 * playout delay with video), so whatever waits here plays that much after its video frame: the queue is kept under
 * `maxQueued` frames by dropping the oldest samples, which keeps audio within that bound of the video (ITU-R BT.1359
 * finds audio up to 125 ms behind video acceptable) however bursty arrivals are. Silence when it runs dry.
 */
export class PcmRing {
  readonly #capacity: number;
  readonly #maxQueued: number;
  #rings: Float32Array[] = [];
  #read = 0;
  #write = 0;
  #queued = 0;
  #played = 0;
  #underruns = 0;
  #dropped = 0;

  /** `maxQueued`: frames (samples per channel) that may wait; older ones are dropped. */
  constructor(maxQueued: number) {
    if (!(maxQueued >= 1)) throw new RangeError("maxQueued must be at least 1");
    this.#maxQueued = Math.ceil(maxQueued);
    this.#capacity = this.#maxQueued;
  }

  get queued(): number {
    return this.#queued;
  }

  get played(): number {
    return this.#played;
  }

  /** Output frames that found the queue empty (after the first PCM arrived). */
  get underruns(): number {
    return this.#underruns;
  }

  /** Frames dropped to keep audio in sync with video. */
  get dropped(): number {
    return this.#dropped;
  }

  flush(): void {
    this.#read = this.#write = this.#queued = 0;
  }

  push(channels: readonly Float32Array[]): void {
    if (this.#rings.length !== channels.length) {
      this.#rings = channels.map(() => new Float32Array(this.#capacity));
      this.flush();
    }
    const frames = channels[0]?.length ?? 0;
    for (let i = 0; i < frames; i++) {
      for (let c = 0; c < channels.length; c++) {
        const ring = this.#rings[c];
        if (ring !== undefined) ring[this.#write] = channels[c]?.[i] ?? 0;
      }
      this.#write = (this.#write + 1) % this.#capacity;
      if (this.#queued === this.#capacity) {
        this.#read = (this.#read + 1) % this.#capacity;
        this.#dropped++;
      } else this.#queued++;
    }
  }

  /** Fills every output channel (mono is copied to each), returns the frames played. */
  read(output: Float32Array[]): number {
    const frames = output[0]?.length ?? 0;
    let played = 0;
    for (let i = 0; i < frames; i++) {
      const have = this.#queued > 0;
      for (let c = 0; c < output.length; c++) {
        const ring = this.#rings[Math.min(c, this.#rings.length - 1)];
        const out = output[c];
        if (out !== undefined) out[i] = have && ring !== undefined ? (ring[this.#read] ?? 0) : 0;
      }
      if (have) {
        this.#read = (this.#read + 1) % this.#capacity;
        this.#queued--;
        played++;
      } else if (this.#rings.length > 0) {
        this.#underruns++;
      }
    }
    this.#played += played;
    return played;
  }
}
