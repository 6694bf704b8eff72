/**
 * Where the time goes from joining a channel to its first rendered frame: each step's time in ms since the join, kept
 * once (the first time the step happens), and mirrored as a `moqlive:STEP` performance mark for DevTools' timeline.
 */
export class JoinTimeline {
  readonly #startMs: number;
  readonly #steps: Record<string, number> = {};

  /** @param startMs the join, on the page's `performance.now()` clock */
  constructor(startMs: number = performance.now()) {
    this.#startMs = startMs;
    mark("join", startMs);
  }

  /** Steps so far: name → ms since the join, in the order they happened. */
  get steps(): Readonly<Record<string, number>> {
    return this.#steps;
  }

  /** Records `step` at `atMs` (`performance.now()` clock; default now) unless it happened already. */
  mark(step: string, atMs: number = performance.now()): void {
    if (step in this.#steps) return;
    this.#steps[step] = atMs - this.#startMs;
    mark(step, atMs);
  }

  /** Records `step` at a wall-clock time (ms since the Unix epoch, e.g. from a worker, whose `performance.now()` differs). */
  markEpoch(step: string, epochMs: number): void {
    this.mark(step, epochMs - performance.timeOrigin);
  }

  /** "step +N ms" pairs, in order: for a stats overlay. */
  format(): string {
    return Object.entries(this.#steps)
      .map(([step, ms]) => `${step} ${Math.round(ms)}`)
      .join(" · ");
  }
}

function mark(step: string, atMs: number): void {
  // A mark cannot start before the time origin (a step reported from another clock may round below it).
  performance.mark(`moqlive:${step}`, { startTime: Math.max(0, atMs) });
}
