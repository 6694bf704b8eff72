import type {
  MoqtTransport,
  SendStreamOptions,
  TransportBidirectionalStream,
  TransportCloseInfo,
  TransportDatagrams,
  TransportSendStream,
} from "../session/web-transport.ts";

/**
 * One direction of a stream: what is written comes out of `readable` (copied, as a network would). `abort()` on the
 * writable errors the readable with the same reason (RESET_STREAM); `cancel()` on the readable errors the writable
 * (STOP_SENDING), as the W3C API surfaces them.
 */
class Pipe {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: TransportSendStream;
  #controller!: TransformStreamDefaultController<Uint8Array>;

  constructor(sendOrder: number | undefined) {
    // No backpressure, as with a large flow-control window: writes complete whether or not the peer reads.
    const transform = new TransformStream<Uint8Array, Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        transform: (chunk, controller) => controller.enqueue(chunk.slice()),
      },
      { highWaterMark: 1 },
      { highWaterMark: Number.MAX_SAFE_INTEGER },
    );
    this.readable = transform.readable;
    this.writable = Object.assign(transform.writable, { sendOrder: sendOrder ?? 0 });
  }

  /** The session died: both ends fail. */
  kill(reason: unknown): void {
    try {
      this.#controller.error(reason);
    } catch {
      // Already closed or errored.
    }
  }
}

class Incoming<T> {
  readonly stream: ReadableStream<T>;
  #controller!: ReadableStreamDefaultController<T>;

  constructor() {
    this.stream = new ReadableStream<T>({
      start: (controller) => {
        this.#controller = controller;
      },
    });
  }

  push(item: T): void {
    this.#controller.enqueue(item);
  }

  close(): void {
    try {
      this.#controller.close();
    } catch {
      // Already closed.
    }
  }
}

/** An in-memory WebTransport session; create two connected ends with `createFakeTransportPair`. */
export class FakeWebTransport implements MoqtTransport {
  readonly ready = Promise.resolve();
  readonly closed: Promise<TransportCloseInfo>;
  readonly protocol = "moqt-19";
  readonly datagrams: TransportDatagrams;
  /** sendOrder of every stream this end opened, in order (to check priority mapping). */
  readonly sendOrders: (number | undefined)[] = [];
  /** Unidirectional streams this end opened. */
  uniStreamsOpened = 0;
  peer!: FakeWebTransport;
  readonly #incomingUni = new Incoming<ReadableStream<Uint8Array>>();
  readonly #incomingBidi = new Incoming<TransportBidirectionalStream>();
  readonly #pipes = new Set<Pipe>();
  readonly #datagramsIn: Incoming<Uint8Array>;
  #resolveClosed!: (info: TransportCloseInfo) => void;
  #isClosed = false;

  constructor() {
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    this.#datagramsIn = new Incoming<Uint8Array>();
    const writable = new WritableStream<Uint8Array>({
      write: (chunk) => {
        if (!this.#isClosed) this.peer.#datagramsIn.push(chunk.slice());
      },
    });
    this.datagrams = { readable: this.#datagramsIn.stream, writable, maxDatagramSize: 1200 };
  }

  get incomingUnidirectionalStreams(): ReadableStream<ReadableStream<Uint8Array>> {
    return this.#incomingUni.stream;
  }

  get incomingBidirectionalStreams(): ReadableStream<TransportBidirectionalStream> {
    return this.#incomingBidi.stream;
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  #pipe(sendOrder: number | undefined): Pipe {
    const pipe = new Pipe(sendOrder);
    this.#pipes.add(pipe);
    this.peer.#pipes.add(pipe);
    return pipe;
  }

  async createUnidirectionalStream(options: SendStreamOptions = {}): Promise<TransportSendStream> {
    if (this.#isClosed) throw new Error("session closed");
    this.sendOrders.push(options.sendOrder);
    this.uniStreamsOpened++;
    const pipe = this.#pipe(options.sendOrder);
    this.peer.#incomingUni.push(pipe.readable);
    return pipe.writable;
  }

  async createBidirectionalStream(options: SendStreamOptions = {}): Promise<TransportBidirectionalStream> {
    if (this.#isClosed) throw new Error("session closed");
    this.sendOrders.push(options.sendOrder);
    const out = this.#pipe(options.sendOrder);
    const back = this.#pipe(undefined);
    this.peer.#incomingBidi.push({ readable: out.readable, writable: back.writable });
    return { readable: back.readable, writable: out.writable };
  }

  /** Sends raw bytes on a new unidirectional stream (for malformed-input tests). */
  async sendRawUnidirectional(bytes: Uint8Array, fin = true): Promise<void> {
    const writer = (await this.createUnidirectionalStream()).getWriter();
    await writer.write(bytes);
    // The peer may close the session on these bytes before the FIN goes out.
    if (fin) await writer.close().catch(() => {});
  }

  close(closeInfo: { closeCode?: number; reason?: string } = {}): void {
    const info = { closeCode: closeInfo.closeCode ?? 0, reason: closeInfo.reason ?? "" };
    this.#shutdown(info);
    this.peer.#shutdown(info);
  }

  #shutdown(info: TransportCloseInfo): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    const error = new Error(`WebTransport session closed (${info.closeCode}): ${info.reason}`);
    for (const pipe of this.#pipes) pipe.kill(error);
    this.#pipes.clear();
    this.#incomingUni.close();
    this.#incomingBidi.close();
    this.#datagramsIn.close();
    this.#resolveClosed(info);
  }
}

/** Two connected in-memory WebTransport ends: [client, server]. */
export function createFakeTransportPair(): [FakeWebTransport, FakeWebTransport] {
  const a = new FakeWebTransport();
  const b = new FakeWebTransport();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
