/**
 * The part of the W3C WebTransport API (specs/w3c-webtransport-api.bs) a MOQT session uses. A browser
 * `WebTransport` satisfies it; tests use the in-memory pair from test-support.
 */
export interface MoqtTransport {
  readonly ready: Promise<unknown>;
  readonly closed: Promise<TransportCloseInfo>;
  /** The protocol the server selected from `protocols` ("" if none). */
  readonly protocol?: string;
  readonly incomingUnidirectionalStreams: ReadableStream<ReadableStream<Uint8Array>>;
  readonly incomingBidirectionalStreams: ReadableStream<TransportBidirectionalStream>;
  readonly datagrams: TransportDatagrams;
  createUnidirectionalStream(options?: SendStreamOptions): Promise<TransportSendStream>;
  createBidirectionalStream(options?: SendStreamOptions): Promise<TransportBidirectionalStream>;
  close(closeInfo?: { closeCode?: number; reason?: string }): void;
}

export interface TransportCloseInfo {
  readonly closeCode?: number;
  readonly reason?: string;
}

/** W3C `WebTransportSendStreamOptions`: a higher sendOrder is sent first. */
export interface SendStreamOptions {
  sendOrder?: number;
}

/** A send stream; `sendOrder` may be changed while it is open (W3C `WebTransportSendStream`). */
export type TransportSendStream = WritableStream<Uint8Array> & { sendOrder?: number };

export interface TransportBidirectionalStream {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: TransportSendStream;
}

export interface TransportDatagrams {
  readonly readable: ReadableStream<Uint8Array>;
  /** Chromium's datagram writer (deprecated in the spec in favour of createWritable, still what Chromium ships). */
  readonly writable?: WritableStream<Uint8Array>;
  createWritable?(options?: SendStreamOptions): WritableStream<Uint8Array>;
  readonly maxDatagramSize?: number;
}
