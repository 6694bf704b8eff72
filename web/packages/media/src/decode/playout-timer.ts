import { globalTimers, type TimerFunctions } from "./timer-functions.ts";

/**
 * When the decoder worker releases frames from its jitter buffers: at once when the head frame is already due (a
 * joining FETCH's frames, late frames), else on a timer at the head's due time; an armed timer is never pushed later.
 * Each object message re-arms it, and a zero-delay timer re-armed on every message waited behind the whole stream of
 * messages the worker was handed (issue 5: the fetched key frame reached the worker 160 ms before it went to the
 * decoder). Call {@link arm} with the head's due time after every change; `release` is called with no timer armed and
 * may call {@link arm} again (then a due head waits for a zero-delay timer, so a release never recurses).
 */
export class PlayoutTimer {
  readonly #release: () => void;
  readonly #timers: TimerFunctions;
  #handle: unknown;
  #armedAtMs: number | undefined;
  #releasing = false;

  constructor(release: () => void, timers: TimerFunctions = globalTimers) {
    this.#release = release;
    this.#timers = timers;
  }

  /** The head frame is due at `dueMs` (undefined: nothing buffered); `nowMs` on the same clock. */
  arm(dueMs: number | undefined, nowMs: number): void {
    if (dueMs === undefined) {
      this.#cancel();
      return;
    }
    if (dueMs <= nowMs && !this.#releasing) {
      this.#cancel();
      this.#run();
      return;
    }
    const at = Math.max(dueMs, nowMs);
    if (this.#armedAtMs !== undefined && this.#armedAtMs <= at) return;
    this.#cancel();
    this.#armedAtMs = at;
    this.#handle = this.#timers.set(() => {
      this.#handle = undefined;
      this.#armedAtMs = undefined;
      this.#run();
    }, at - nowMs);
  }

  #run(): void {
    this.#releasing = true;
    try {
      this.#release();
    } finally {
      this.#releasing = false;
    }
  }

  #cancel(): void {
    if (this.#handle !== undefined) this.#timers.clear(this.#handle);
    this.#handle = undefined;
    this.#armedAtMs = undefined;
  }
}
