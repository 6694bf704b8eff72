import type { TimerFunctions } from "../decode/timer-functions.ts";

/** Timers that fire only when a test says so: `fire` runs every pending callback once (not those they set). */
export function fakeTimers() {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let next = 0;
  const timers: TimerFunctions = {
    set: (callback, ms) => {
      pending.set(++next, { callback, ms });
      return next;
    },
    clear: (handle) => {
      pending.delete(handle as number);
    },
  };
  const fire = () => {
    for (const [id, t] of [...pending]) {
      pending.delete(id);
      t.callback();
    }
  };
  return { timers, pending, fire };
}
