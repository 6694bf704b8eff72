import type { MoqtTransport } from "./web-transport.ts";

/** What the session's parts (subscriptions, served tracks, fetches) need from the session, without importing it. */
export interface SessionContext {
  readonly transport: MoqtTransport;
  /** The next Request ID of this endpoint (even from the client, odd from the server; draft-19 "Request ID"). */
  nextRequestId(): bigint;
  /** Checks a Request ID the peer used: right parity, not used before; else throws INVALID_REQUEST_ID. */
  acceptPeerRequestId(requestId: bigint): void;
  /** Runs background work; a MoqtProtocolError closes the session with its code. */
  spawn(work: () => Promise<void>): void;
  /** True once the session is closing or closed. */
  readonly isClosed: boolean;
  /** Most datagram bytes the transport takes (0 when datagrams cannot be sent). */
  readonly maxDatagramSize: number;
  sendDatagram(bytes: Uint8Array): void;
}
