/** A canvas size in pixels. */
export interface CanvasSize {
  readonly width: number;
  readonly height: number;
}

/** A warm-up to do now: at `size` (the canvas resized to it), or, undefined, a small frame at the canvas's size. */
export interface WarmUp {
  readonly size: CanvasSize | undefined;
}

/**
 * When the decoder worker warms its canvas up: draws a black frame, so the first decoded frame's draw pays neither for
 * the drawing path's first use (a one-time 110–220 ms on a loaded machine, whatever the frame's size) nor for the
 * resize to the catalog's size (issue 5, BENCHMARKS.md). Sans-IO. Both happen off the path to the first frame:
 *
 * - The drawing path as the worker starts, while it waits for the catalog, unless video objects are already queued (a
 *   worker that started late): they go first, and the warm-up joins the next one.
 * - The catalog's size (and the drawing path, if still cold) right after the first key frame went to the decoder, not
 *   when the video is configured: the watcher configures the player just before the first objects arrive, and a
 *   warm-up there holds them up in the worker's queue, whereas during the decode the worker only waits for the
 *   decoder's output (whose callback then runs on the prepared canvas).
 *
 * Drive it with {@link idle} (a task queued behind the "init" message), {@link received} (a video object arrived),
 * {@link configured} (each video "configure"), {@link decoding} (a key frame went to the decoder) and {@link rendered}
 * (a decoded frame was drawn: from then on there is nothing to warm up).
 */
export class CanvasWarmUp {
  #pending: CanvasSize | undefined;
  #pathReady = false;
  #received = false;
  #rendered = false;

  /** The worker ran what was queued when it started: true when the drawing path is to be warmed up now. */
  idle(): boolean {
    if (this.#received || this.#pathReady || this.#rendered) return false;
    this.#pathReady = true;
    return true;
  }

  /** A video object arrived: the first frame's path has started. */
  received(): void {
    this.#received = true;
  }

  /** The video is configured for this picture size (the catalog's); the newest size counts. */
  configured(size: CanvasSize): void {
    if (!this.#rendered) this.#pending = size;
  }

  /** A key frame went to the decoder: the warm-up to do now, if any. */
  decoding(): WarmUp | undefined {
    if (this.#rendered) return undefined;
    const size = this.#pending;
    this.#pending = undefined;
    if (size === undefined && this.#pathReady) return undefined;
    this.#pathReady = true;
    return { size };
  }

  /** A decoded frame was drawn: the canvas is in use. */
  rendered(): void {
    this.#rendered = true;
    this.#pending = undefined;
  }
}
