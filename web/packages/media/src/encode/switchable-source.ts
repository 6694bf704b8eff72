/**
 * Reads a stream whose source can be replaced while reading (the streamer picks another camera or microphone while
 * live): the old reader is cancelled and reading continues from the replacement, whose first item is marked so the
 * encoder can start a new group with a key frame there.
 */
export class SwitchableSource<T> {
  #reader: ReadableStreamDefaultReader<T>;
  #next: ReadableStream<T> | undefined;

  constructor(stream: ReadableStream<T>) {
    this.#reader = stream.getReader();
  }

  /** Reads from `stream` next; a read waiting on the old source moves to it. */
  replace(stream: ReadableStream<T>): void {
    void this.#next?.cancel().catch(() => {});
    this.#next = stream;
    void this.#reader.cancel().catch(() => {});
  }

  /** The next item (`switched` on a replacement's first), or undefined once the source ended without a replacement. */
  async read(): Promise<{ value: T; switched: boolean } | undefined> {
    let switched = false;
    for (;;) {
      const result = await this.#reader.read();
      if (!result.done) return { value: result.value, switched };
      const next = this.#next;
      if (next === undefined) return undefined;
      this.#next = undefined;
      this.#reader = next.getReader();
      switched = true;
    }
  }

  async cancel(): Promise<void> {
    await this.#next?.cancel().catch(() => {});
    this.#next = undefined;
    await this.#reader.cancel().catch(() => {});
  }
}
