import { type ControlMessage, tryReadControlMessage } from "../wire/control-message.ts";
import { NEED_MORE, type NeedMore } from "../wire/need-more.ts";
import { protocolViolation } from "../wire/protocol-error.ts";

/** A `tryRead…` style parser: a value and how many bytes it used, or NEED_MORE. */
export type TryRead<T> = (bytes: Uint8Array) => { value: T; bytesRead: number } | NeedMore;

export interface BufferedStreamReaderOptions {
  /** Most bytes held while waiting for one unit to complete (default 16 MiB); beyond it `read` throws RangeError. */
  readonly maxBuffered?: number;
}

const DEFAULT_MAX_BUFFERED = 16 * 1024 * 1024;

/**
 * Reads whole wire units (control messages, stream headers, objects) from a ReadableStream<Uint8Array>, buffering
 * across chunk boundaries. Values returned may be views into the buffer: the reader never writes over bytes it has
 * handed out (it moves to a fresh buffer instead of compacting), so they stay valid.
 */
export class BufferedStreamReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #maxBuffered: number;
  #buffer = new Uint8Array(0);
  #start = 0;
  #end = 0;
  #done = false;

  constructor(stream: ReadableStream<Uint8Array>, options: BufferedStreamReaderOptions = {}) {
    this.#reader = stream.getReader();
    this.#maxBuffered = options.maxBuffered ?? DEFAULT_MAX_BUFFERED;
  }

  /** Bytes received but not yet consumed. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /**
   * Reads one unit with `parse`. Returns undefined if the stream ended cleanly before any byte of a new unit;
   * throws MoqtProtocolError (PROTOCOL_VIOLATION) if it ended inside one, and propagates parse errors.
   */
  async read<T>(parse: TryRead<T>): Promise<T | undefined> {
    for (;;) {
      if (this.buffered > 0) {
        const result = parse(this.#buffer.subarray(this.#start, this.#end));
        if (result !== NEED_MORE) {
          if (result.bytesRead <= 0) throw new RangeError("parser consumed no bytes");
          this.#start += result.bytesRead;
          return result.value;
        }
        if (this.buffered >= this.#maxBuffered) throw new RangeError(`more than ${this.#maxBuffered} bytes buffered for one unit`);
      }
      if (this.#done) {
        if (this.buffered === 0) return undefined;
        protocolViolation(`stream ended inside a unit (${this.buffered} bytes left)`);
      }
      await this.#fill();
    }
  }

  /** Reads the next control message, or undefined at a clean end of stream. */
  readControlMessage(): Promise<ControlMessage | undefined> {
    return this.read((bytes) => {
      const result = tryReadControlMessage(bytes);
      return result === NEED_MORE ? NEED_MORE : { value: result.message, bytesRead: result.bytesRead };
    });
  }

  /** Resolves true once the stream has ended with nothing left to read. */
  async atEnd(): Promise<boolean> {
    while (this.buffered === 0 && !this.#done) await this.#fill();
    return this.buffered === 0 && this.#done;
  }

  /** Cancels the underlying stream (e.g. STOP_SENDING on a data stream). */
  async cancel(reason?: unknown): Promise<void> {
    this.#done = true;
    await this.#reader.cancel(reason);
  }

  releaseLock(): void {
    this.#reader.releaseLock();
  }

  async #fill(): Promise<void> {
    const { done, value } = await this.#reader.read();
    if (done) {
      this.#done = true;
      return;
    }
    if (value.length > 0) this.#append(value);
  }

  #append(chunk: Uint8Array): void {
    if (this.#end + chunk.length <= this.#buffer.length) {
      // Free space after the unread bytes: nothing handed out lives there.
      this.#buffer.set(chunk, this.#end);
      this.#end += chunk.length;
      return;
    }
    const unread = this.buffered;
    const next = new Uint8Array(Math.max(2 * (unread + chunk.length), 4096));
    next.set(this.#buffer.subarray(this.#start, this.#end), 0);
    next.set(chunk, unread);
    this.#buffer = next;
    this.#start = 0;
    this.#end = unread + chunk.length;
  }
}
