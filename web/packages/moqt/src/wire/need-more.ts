/** Returned by `tryRead…` functions when the input ends before a complete unit: not an error, read more bytes. */
export const NEED_MORE: unique symbol = Symbol("moqt.need-more");
export type NeedMore = typeof NEED_MORE;

/**
 * Thrown inside a reader in "need more" mode; caught by the `tryRead…` entry points and turned into NEED_MORE.
 * Running short is routine on streams, so readers throw one shared instance rather than capturing a stack each time.
 */
export class NeedMoreError extends Error {
  static readonly instance: NeedMoreError = new NeedMoreError();

  private constructor() {
    super("need more bytes");
    this.name = "NeedMoreError";
  }
}

/** Runs `read`; a NeedMoreError becomes NEED_MORE, any other error propagates. */
export function catchNeedMore<T>(read: () => T): T | NeedMore {
  try {
    return read();
  } catch (e) {
    if (e instanceof NeedMoreError) return NEED_MORE;
    throw e;
  }
}
