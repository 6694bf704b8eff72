import { BufferedStreamReader } from "../stream/buffered-stream-reader.ts";
import { type ControlMessage, encodeControlMessage } from "../wire/control-message.ts";
import { streamError } from "./stream-error.ts";
import { MoqtStreamResetCode } from "./stream-reset-code.ts";
import type { TransportBidirectionalStream } from "./web-transport.ts";

/**
 * A request stream (draft-19 "Session initialization"): one bidirectional stream per request, carrying control
 * messages both ways. A FIN ends a direction; a reset or STOP_SENDING cancels the request
 * (draft-19 "Request Cancellation and Rejection").
 */
export class RequestStream {
  readonly #reader: BufferedStreamReader;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  #finished = false;

  constructor(stream: TransportBidirectionalStream) {
    this.#reader = new BufferedStreamReader(stream.readable);
    this.#writer = stream.writable.getWriter();
  }

  /** The next message, or undefined once the peer sent FIN. Rejects when the peer reset the stream. */
  read(): Promise<ControlMessage | undefined> {
    return this.#reader.readControlMessage();
  }

  /** Sends `message`, then FIN when `fin`. */
  async write(message: ControlMessage, fin = false): Promise<void> {
    if (this.#finished) throw new Error("the request stream is finished");
    const bytes = encodeControlMessage(message);
    if (fin) this.#finished = true;
    await this.#writer.write(bytes);
    if (fin) await this.#writer.close();
  }

  /** FIN on our direction (draft-19 "Graceful Request Stream Closure"); errors of a gone stream are ignored. */
  async finish(): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    try {
      await this.#writer.close();
    } catch {
      // The peer reset or the session closed: the direction is gone either way.
    }
  }

  /** Cancels the request: RESET_STREAM on our direction and STOP_SENDING on the peer's, with `code`. */
  cancel(code: number = MoqtStreamResetCode.Cancelled): void {
    const error = streamError(code);
    if (!this.#finished) {
      this.#finished = true;
      this.#writer.abort(error).catch(() => {});
    }
    this.#reader.cancel(error).catch(() => {});
  }
}
