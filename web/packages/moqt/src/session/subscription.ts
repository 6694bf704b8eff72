import type { KeyValuePair } from "../wire/key-value-pair.ts";
import type { Location } from "../wire/location.ts";
import { messageParameters } from "../wire/message-parameters.ts";
import { MoqtMessageType } from "../wire/message-type.ts";
import { protocolViolation } from "../wire/protocol-error.ts";
import { AsyncQueue } from "./async-queue.ts";
import type { MoqtRequestError } from "./errors.ts";
import type { MoqtObject } from "./moqt-object.ts";
import { requestErrorFrom } from "./request-failure.ts";
import type { RequestStream } from "./request-stream.ts";
import type { SessionContext } from "./session-context.ts";
import { isStreamFailure } from "./stream-error.ts";

/** PUBLISH_DONE as the subscriber sees it (draft-19 "PUBLISH_DONE"); statusCode is a PublishDoneCode. */
export interface PublishDoneInfo {
  readonly statusCode: bigint;
  readonly streamCount: bigint;
  readonly reason: string;
}

/** REQUEST_UPDATE fields for a subscription (draft-19 "Updating Subscriptions"); absent ones stay as they are. */
export interface SubscriptionUpdate {
  readonly priority?: number;
  readonly forward?: boolean;
  readonly newGroupRequest?: bigint;
}

/** How long objects still arriving after PUBLISH_DONE are waited for when its Stream Count is not reached. */
const PUBLISH_DONE_GRACE_MS = 2000;

interface PendingUpdate {
  resolve: (largest: Location | null) => void;
  reject: (error: unknown) => void;
}

/**
 * A track this session subscribed to (SUBSCRIBE → SUBSCRIBE_OK). Objects from subgroup streams and datagrams arrive
 * on `objects` in arrival order (each group is in order; groups on parallel streams may interleave).
 */
export class Subscription {
  readonly requestId: bigint;
  readonly trackAlias: bigint;
  readonly namespace: readonly string[];
  readonly name: string;
  /** Largest Location from SUBSCRIBE_OK: the Joining Location of joining FETCHes; null if nothing was published. */
  readonly largest: Location | null;
  readonly trackProperties: readonly KeyValuePair[];
  readonly #stream: RequestStream;
  readonly #ctx: SessionContext;
  readonly #queue: AsyncQueue<MoqtObject>;
  readonly #pending: PendingUpdate[] = [];
  readonly #onFinished: (s: Subscription) => void;
  #publishDone: PublishDoneInfo | null = null;
  #openStreams = 0;
  #streamsSeen = 0n;
  #finished = false;
  #resolveDone!: (info: PublishDoneInfo | null) => void;
  /** Resolves with PUBLISH_DONE once the subscription ended (null: unsubscribed, cancelled or the session closed). */
  readonly done: Promise<PublishDoneInfo | null>;

  constructor(
    init: {
      requestId: bigint;
      trackAlias: bigint;
      namespace: readonly string[];
      name: string;
      largest: Location | null;
      trackProperties: readonly KeyValuePair[];
      maxBufferedObjects: number;
    },
    stream: RequestStream,
    ctx: SessionContext,
    onFinished: (s: Subscription) => void,
  ) {
    this.requestId = init.requestId;
    this.trackAlias = init.trackAlias;
    this.namespace = init.namespace;
    this.name = init.name;
    this.largest = init.largest;
    this.trackProperties = init.trackProperties;
    this.#queue = new AsyncQueue(init.maxBufferedObjects);
    this.#stream = stream;
    this.#ctx = ctx;
    this.#onFinished = onFinished;
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
  }

  /** Received objects; iteration ends when the subscription ends. */
  get objects(): AsyncIterable<MoqtObject> {
    return this.#queue;
  }

  /** The next object, or undefined once the subscription ended. */
  readObject(): Promise<MoqtObject | undefined> {
    return this.#queue.next();
  }

  /** Objects dropped because the application read too slowly (the queue keeps the newest). */
  get droppedObjects(): number {
    return this.#queue.dropped;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** UNSUBSCRIBE: cancels the request stream (draft-19 "Subscriptions": STOP_SENDING / RESET_STREAM). */
  unsubscribe(): void {
    if (this.#finished) return;
    this.#stream.cancel();
    this.finish(null);
  }

  /** REQUEST_UPDATE (draft-19 "REQUEST_UPDATE"); resolves with the publisher's Largest Object from REQUEST_OK. */
  async update(update: SubscriptionUpdate): Promise<Location | null> {
    if (this.#finished) throw new Error("the subscription has ended");
    const result = new Promise<Location | null>((resolve, reject) => this.#pending.push({ resolve, reject }));
    await this.#stream.write({
      type: MoqtMessageType.RequestUpdate,
      requestId: this.#ctx.nextRequestId(),
      parameters: messageParameters({
        subscriberPriority: update.priority ?? null,
        forward: update.forward ?? null,
        newGroupRequest: update.newGroupRequest ?? null,
      }),
    });
    return result;
  }

  /** @internal Delivers an object from a data stream or datagram. */
  deliver(object: MoqtObject): void {
    if (!this.#finished) this.#queue.push(object);
  }

  /** @internal A data stream for this track opened; false when the subscription is over (stop the stream). */
  streamOpened(): boolean {
    if (this.#finished) return false;
    this.#openStreams++;
    this.#streamsSeen++;
    return true;
  }

  /** @internal A data stream for this track ended. */
  streamClosed(): void {
    this.#openStreams--;
    this.#tryFinish();
  }

  /** @internal Reads PUBLISH_DONE and update responses from the request stream. */
  async run(): Promise<void> {
    try {
      for (;;) {
        const message = await this.#stream.read();
        if (message === undefined) {
          await this.#stream.finish();
          if (this.#publishDone === null) this.finish(null);
          return;
        }
        switch (message.type) {
          case MoqtMessageType.PublishDone:
            if (this.#publishDone !== null) protocolViolation("a second PUBLISH_DONE");
            this.#publishDone = { statusCode: message.statusCode, streamCount: message.streamCount, reason: message.errorReason };
            this.#tryFinish();
            setTimeout(() => this.finish(this.#publishDone), PUBLISH_DONE_GRACE_MS);
            break;
          case MoqtMessageType.RequestOk: {
            const pending = this.#pending.shift() ?? protocolViolation("REQUEST_OK without an outstanding REQUEST_UPDATE");
            pending.resolve(message.parameters.largestObject);
            break;
          }
          case MoqtMessageType.RequestError: {
            const pending = this.#pending.shift() ?? protocolViolation("REQUEST_ERROR without an outstanding REQUEST_UPDATE");
            pending.reject(requestErrorFrom(message));
            break;
          }
          case MoqtMessageType.GoAway:
            break;
          default:
            protocolViolation(`unexpected message 0x${message.type.toString(16)} on a subscription stream`);
        }
      }
    } catch (e) {
      if (!isStreamFailure(e) && !this.#ctx.isClosed) throw e;
      this.finish(null);
    }
  }

  #tryFinish(): void {
    const done = this.#publishDone;
    if (done !== null && this.#openStreams === 0 && this.#streamsSeen >= done.streamCount) this.finish(done);
  }

  /** @internal Ends the subscription: the object queue ends after what it holds, `done` resolves. */
  finish(done: PublishDoneInfo | null, error: MoqtRequestError | Error | null = null): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#queue.end(error);
    for (const pending of this.#pending.splice(0)) pending.reject(error ?? new Error("the subscription ended"));
    this.#resolveDone(done);
    this.#onFinished(this);
  }
}
