/**
 * Maps a media timestamp (µs, the capture pipeline's own clock) to wall-clock capture time on the server's clock.
 * The base is the smallest (read time − media time) seen, i.e. the frame read with the least queueing after capture,
 * so timestamps stay evenly spaced however late individual frames are read.
 */
export class CaptureClock {
  #base = Number.POSITIVE_INFINITY;

  /** Records that a frame with `mediaUs` was read at `wallUs` (server clock) and returns its capture time. */
  observe(mediaUs: number, wallUs: number): number {
    this.#base = Math.min(this.#base, wallUs - mediaUs);
    return mediaUs + this.#base;
  }

  /** Capture time of an encoded chunk whose frame was observed earlier. */
  toWall(mediaUs: number): number {
    return mediaUs + (Number.isFinite(this.#base) ? this.#base : 0);
  }
}
