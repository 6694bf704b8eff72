/** The timer functions the decoder worker's schedulers use (the global ones by default; fakes in tests). */
export interface TimerFunctions {
  readonly set: (callback: () => void, ms: number) => unknown;
  readonly clear: (handle: unknown) => void;
}

export const globalTimers: TimerFunctions = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
