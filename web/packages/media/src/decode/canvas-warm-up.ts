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
 * - As the worker starts, unless video objects are already queued (a worker that started late): they go first, and
 *   the warm-up joins the next one. At the size the player was prepared with ("init"'s video, from the page's catalog)
 *   if any, else the drawing path only, while the worker waits for the catalog. The page starts its WebTransport
 *   session as it loads, so a prepared worker starts 250–340 ms before the first object on a loaded machine (issue 5;
 *   before that, objects came about when the worker started, and the prepared size waited for the decode); and a
 *   warm-up beside the first key frame's decode held its output callback up, since both run on the worker's thread.
 * - Otherwise the catalog's size (and the drawing path, if still cold) right after the first key frame went to the
 *   decoder, not when the video is configured: the watcher configures the player just before the first objects arrive,
 *   and a warm-up there holds them up in the worker's queue, whereas during the decode the worker only waits for the
 *   decoder's output. A size already warmed up is not done again.
 *
 * Drive it with {@link idle} (a task queued behind the "init" message), {@link received} (a video object arrived),
 * {@link configured} ("init"'s prepared video and each video "configure"), {@link decoding} (a key frame went to the
 * decoder) and {@link rendered} (a decoded frame was drawn: from then on there is nothing to warm up).
 */
export class CanvasWarmUp {
  #pending: CanvasSize | undefined;
  /** The size the canvas was warmed up at (undefined: not at a size). */
  #warmed: CanvasSize | undefined;
  #pathReady = false;
  #received = false;
  #rendered = false;

  /** The worker ran what was queued when it started: the warm-up to do now, if any. */
  idle(): WarmUp | undefined {
    if (this.#received || this.#pathReady || this.#rendered) return undefined;
    return this.#take();
  }

  /** A video object arrived: the first frame's path has started. */
  received(): void {
    this.#received = true;
  }

  /** The video is configured for this picture size (the catalog's); the newest size counts. */
  configured(size: CanvasSize): void {
    if (this.#rendered) return;
    this.#pending = sameSize(size, this.#warmed) ? undefined : size;
  }

  /** A key frame went to the decoder: the warm-up to do now, if any. */
  decoding(): WarmUp | undefined {
    if (this.#rendered) return undefined;
    if (this.#pending === undefined && this.#pathReady) return undefined;
    return this.#take();
  }

  /** A decoded frame was drawn: the canvas is in use. */
  rendered(): void {
    this.#rendered = true;
    this.#pending = undefined;
  }

  #take(): WarmUp {
    const size = this.#pending;
    this.#pending = undefined;
    this.#pathReady = true;
    if (size !== undefined) this.#warmed = size;
    return { size };
  }
}

function sameSize(a: CanvasSize, b: CanvasSize | undefined): boolean {
  return b !== undefined && a.width === b.width && a.height === b.height;
}
