import { globalTimers, type TimerFunctions } from "./timer-functions.ts";

/** A canvas size in pixels. */
export interface CanvasSize {
  readonly width: number;
  readonly height: number;
}

/**
 * One step of a warm-up, each run in its own task: `path` resizes the canvas to `size` if known and draws a small frame
 * (the drawing path's one-time cost, and the backing store at the size the video will have: drawn first at the page's
 * 1280x720, it cost 75–280 ms where resized first 14–185 ms, BENCHMARKS.md); `size`, for a size that came after the
 * path was warm, resizes the canvas and covers it with a frame.
 */
export type WarmUpStep =
  | { readonly kind: "path"; readonly size: CanvasSize | undefined }
  | { readonly kind: "size"; readonly size: CanvasSize };

/**
 * When the decoder worker warms its canvas up: draws black frames, so the first decoded frame's draw pays neither for
 * the drawing path's first use (a one-time 80–220 ms on a loaded machine, whatever the frame's size) nor for the resize
 * to the catalog's size (issue 5, BENCHMARKS.md). The warm-up is split in steps ({@link WarmUpStep}, path first), each
 * in its own zero-delay task set after the previous one ran: a message that came during a step (a "configure", a video
 * object) is queued before that task and so handled first. A video object stops the warm-up until its key frame has
 * gone to the decoder, so no step runs while a key frame waits for the worker. It runs:
 *
 * - As the worker starts, unless video objects are already queued (a worker that started late): the path, and the size
 *   the player was prepared with ("init"'s video, from the page's catalog) if any.
 * - Otherwise, or for what is left (stopped by a video object; a catalog size that came with the "configure" just before
 *   the objects), right after the first key frame went to the decoder, beside its decode: the decoder works on its own
 *   thread, and a step still running when the decoded frame comes does what that frame's draw would otherwise do. A
 *   size already warmed up is not done again.
 *
 * Drive it with {@link idle} (a task queued behind the "init" message), {@link received} (a video object arrived),
 * {@link configured} ("init"'s prepared video and each video "configure"), {@link decoding} (a key frame went to the
 * decoder) and {@link rendered} (a decoded frame was drawn: from then on there is nothing to warm up). `run` does a step.
 */
export class CanvasWarmUp {
  readonly #run: (step: WarmUpStep) => void;
  readonly #timers: TimerFunctions;
  #timer: unknown;
  /** The newest configured size not yet warmed up. */
  #pending: CanvasSize | undefined;
  /** The size the canvas was warmed up at (undefined: not at a size). */
  #warmed: CanvasSize | undefined;
  #pathReady = false;
  #received = false;
  #decoding = false;
  #rendered = false;

  constructor(run: (step: WarmUpStep) => void, timers: TimerFunctions = globalTimers) {
    this.#run = run;
    this.#timers = timers;
  }

  /** The worker ran what was queued when it started: warm up now unless a video object came first. */
  idle(): void {
    if (!this.#received) this.#schedule();
  }

  /** A video object arrived: no step runs until a key frame went to the decoder. */
  received(): void {
    this.#received = true;
    if (!this.#decoding) this.#cancel();
  }

  /** The video is configured for this picture size (the catalog's); the newest size counts. */
  configured(size: CanvasSize): void {
    if (this.#rendered) return;
    this.#pending = sameSize(size, this.#warmed) ? undefined : size;
  }

  /** A key frame went to the decoder: what is left runs beside its decode. */
  decoding(): void {
    this.#decoding = true;
    this.#schedule();
  }

  /** A decoded frame was drawn: the canvas is in use. */
  rendered(): void {
    this.#rendered = true;
    this.#pending = undefined;
    this.#cancel();
  }

  #next(): WarmUpStep | undefined {
    if (this.#rendered) return undefined;
    if (!this.#pathReady) return { kind: "path", size: this.#pending };
    return this.#pending === undefined ? undefined : { kind: "size", size: this.#pending };
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#next() === undefined) return;
    this.#timer = this.#timers.set(() => {
      this.#timer = undefined;
      const step = this.#next();
      if (step === undefined) return;
      this.#pathReady = true;
      if (step.size !== undefined) {
        this.#warmed = step.size;
        this.#pending = undefined;
      }
      this.#run(step);
      // Set after the step: what arrived during it is already queued, and runs first.
      this.#schedule();
    }, 0);
  }

  #cancel(): void {
    if (this.#timer !== undefined) this.#timers.clear(this.#timer);
    this.#timer = undefined;
  }
}

function sameSize(a: CanvasSize, b: CanvasSize | undefined): boolean {
  return b !== undefined && a.width === b.width && a.height === b.height;
}
