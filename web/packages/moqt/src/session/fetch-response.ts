import type { GroupOrder } from "../wire/group-order.ts";
import type { KeyValuePair } from "../wire/key-value-pair.ts";
import type { Location } from "../wire/location.ts";
import { AsyncQueue } from "./async-queue.ts";
import type { MoqtObject } from "./moqt-object.ts";
import type { RequestStream } from "./request-stream.ts";
import { MoqtStreamResetCode } from "./stream-reset-code.ts";

/** FETCH_OK fields (draft-19 "FETCH_OK"). `endLocation` is the wire form: last object + 1, object 0 = whole group. */
export interface FetchOkInfo {
  readonly endOfTrack: boolean;
  readonly endLocation: Location;
  readonly trackProperties: readonly KeyValuePair[];
}

/**
 * The objects of one FETCH, in the requested order, from its FETCH stream. `objects` ends at the stream's FIN
 * (complete), or with an error when the publisher reset the stream.
 */
export class FetchResponse {
  readonly requestId: bigint;
  /** The order objects arrive in; the FETCH stream's Group ID deltas depend on it. */
  readonly groupOrder: GroupOrder;
  readonly #queue: AsyncQueue<MoqtObject>;
  #stream: RequestStream | null = null;
  #dataStop: ((code: number) => void) | null = null;
  #ok: FetchOkInfo | null = null;
  #complete = false;

  constructor(requestId: bigint, groupOrder: GroupOrder, maxBufferedObjects: number) {
    this.requestId = requestId;
    this.groupOrder = groupOrder;
    this.#queue = new AsyncQueue(maxBufferedObjects);
  }

  get ok(): FetchOkInfo {
    if (this.#ok === null) throw new Error("FETCH_OK not received yet");
    return this.#ok;
  }

  get objects(): AsyncIterable<MoqtObject> {
    return this.#queue;
  }

  readObject(): Promise<MoqtObject | undefined> {
    return this.#queue.next();
  }

  /** True once the FETCH stream ended with FIN: every object in range was delivered. */
  get complete(): boolean {
    return this.#complete;
  }

  /** Cancels the FETCH (request stream and data stream). */
  cancel(): void {
    this.#stream?.cancel();
    this.#dataStop?.(MoqtStreamResetCode.Cancelled);
    this.#queue.end();
  }

  /** @internal */
  accepted(ok: FetchOkInfo, stream: RequestStream): void {
    this.#ok = ok;
    this.#stream = stream;
  }

  /** @internal The FETCH data stream arrived; `stop` sends STOP_SENDING on it. */
  attachData(stop: (code: number) => void): void {
    this.#dataStop = stop;
  }

  /** @internal */
  deliver(object: MoqtObject): void {
    this.#queue.push(object);
  }

  /** @internal The data stream ended: with FIN (`error` null) or a reset. */
  end(error: unknown = null): void {
    if (error === null) this.#complete = true;
    this.#queue.end(error);
  }
}
