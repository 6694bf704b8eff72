import { ByteWriter } from "../wire/byte-writer.ts";
import { type SubgroupHeader, SubgroupIdMode, writeSubgroupHeader } from "../wire/data/subgroup-header.ts";
import { writeSubgroupObject } from "../wire/data/subgroup-object.ts";
import type { GroupOrder } from "../wire/group-order.ts";
import { compareLocations, type Location } from "../wire/location.ts";
import { messageParameters } from "../wire/message-parameters.ts";
import { MoqtMessageType } from "../wire/message-type.ts";
import { protocolViolation } from "../wire/protocol-error.ts";
import type { MoqtObject } from "./moqt-object.ts";
import { PublishDoneCode } from "./request-error-code.ts";
import type { RequestStream } from "./request-stream.ts";
import { dataSendOrder } from "./send-order.ts";
import type { SessionContext } from "./session-context.ts";
import { isStreamFailure, streamError, streamErrorCode } from "./stream-error.ts";
import { MoqtStreamResetCode } from "./stream-reset-code.ts";
import type { CachedGroup, TrackListener, TrackWriter } from "./track-writer.ts";
import type { TransportSendStream } from "./web-transport.ts";

/** The range a subscription's Location Filter lets through (draft-19 "Location Filters"). */
export interface SubscriptionRange {
  readonly start: Location;
  /** Last group delivered, or null for open-ended. */
  readonly endGroup: bigint | null;
}

/** One subgroup stream of this subscription: writes are chained so they go out in order. */
interface GroupStream {
  readonly groupId: bigint;
  readonly publisherPriority: number;
  stream: TransportSendStream | null;
  writer: WritableStreamDefaultWriter<Uint8Array> | null;
  header: SubgroupHeader | null;
  previousObjectId: bigint | null;
  chain: Promise<void>;
  dead: boolean;
  finished: boolean;
}

/**
 * A subscription of the peer to a track this session publishes: SUBSCRIBE_OK was sent, objects go out on one
 * subgroup stream per group, PUBLISH_DONE follows when the track or the range ends (draft-19 "PUBLISH_DONE").
 */
export class ServedSubscription implements TrackListener {
  readonly requestId: bigint;
  readonly trackAlias: bigint;
  readonly track: TrackWriter;
  readonly #ctx: SessionContext;
  readonly #stream: RequestStream;
  readonly #range: SubscriptionRange;
  readonly #groupOrder: GroupOrder;
  readonly #groups = new Map<bigint, GroupStream>();
  readonly #onEnded: (s: ServedSubscription) => void;
  #subscriberPriority: number;
  #forward: boolean;
  #streamCount = 0n;
  #ended = false;
  /** draft-19 "Subscriptions": the Largest Location sent when forwarding started; joining FETCHes end there. */
  joiningLocation: Location | null;

  constructor(
    ctx: SessionContext,
    init: {
      requestId: bigint;
      trackAlias: bigint;
      track: TrackWriter;
      range: SubscriptionRange;
      subscriberPriority: number;
      groupOrder: GroupOrder;
      forward: boolean;
    },
    stream: RequestStream,
    onEnded: (s: ServedSubscription) => void,
  ) {
    this.#ctx = ctx;
    this.requestId = init.requestId;
    this.trackAlias = init.trackAlias;
    this.track = init.track;
    this.#range = init.range;
    this.#subscriberPriority = init.subscriberPriority;
    this.#groupOrder = init.groupOrder;
    this.#forward = init.forward;
    this.joiningLocation = init.forward ? init.track.largest : null;
    this.#stream = stream;
    this.#onEnded = onEnded;
  }

  get forward(): boolean {
    return this.#forward;
  }

  /** Sends what the cache already holds in range, then follows the track. */
  start(): void {
    for (const group of this.track.cachedGroups) {
      for (const object of group.objects) this.onObject(group, object);
      if (group.closed) this.onGroupClosed(group);
    }
    if (this.track.closed) {
      this.onTrackClosed();
      return;
    }
    this.track.addListener(this);
  }

  #inRange(object: MoqtObject): boolean {
    if (compareLocations({ group: object.group, object: object.id }, this.#range.start) < 0) return false;
    return this.#range.endGroup === null || object.group <= this.#range.endGroup;
  }

  onObject(group: CachedGroup, object: MoqtObject): void {
    if (this.#ended) return;
    if (this.#range.endGroup !== null && object.group > this.#range.endGroup) {
      this.#end(PublishDoneCode.SubscriptionEnded, "the subscription's end group was reached");
      return;
    }
    if (!this.#forward || !this.#inRange(object)) return;
    let gs = this.#groups.get(group.groupId);
    if (gs === undefined) {
      gs = {
        groupId: group.groupId,
        publisherPriority: group.publisherPriority,
        stream: null,
        writer: null,
        header: null,
        previousObjectId: null,
        chain: Promise.resolve(),
        dead: false,
        finished: false,
      };
      this.#groups.set(group.groupId, gs);
    }
    const target = gs;
    target.chain = target.chain.then(() => this.#writeObject(target, object)).catch((e) => this.#streamFailed(target, e));
  }

  onGroupClosed(group: CachedGroup): void {
    const gs = this.#groups.get(group.groupId);
    if (gs === undefined) return;
    this.#finishGroupStream(gs);
  }

  /** FIN on the group's stream once its queued writes are out. */
  #finishGroupStream(gs: GroupStream): void {
    gs.chain = gs.chain
      .then(async () => {
        if (gs.writer === null || gs.dead || gs.finished) return;
        gs.finished = true;
        await gs.writer.close();
      })
      .catch((e) => this.#streamFailed(gs, e))
      .finally(() => this.#groups.delete(gs.groupId));
  }

  onTrackClosed(): void {
    this.#end(PublishDoneCode.TrackEnded, "the track ended");
  }

  async #writeObject(gs: GroupStream, object: MoqtObject): Promise<void> {
    if (gs.dead) return;
    const w = new ByteWriter(32 + object.payload.length);
    if (gs.writer === null || gs.header === null) {
      const stream = await this.#ctx.transport.createUnidirectionalStream({ sendOrder: this.#sendOrder(gs) });
      gs.stream = stream;
      gs.writer = stream.getWriter();
      this.#streamCount++;
      gs.header = {
        trackAlias: this.trackAlias,
        groupId: gs.groupId,
        subgroupIdMode: SubgroupIdMode.Zero,
        subgroupId: 0n,
        publisherPriority: gs.publisherPriority,
        hasProperties: true,
        // One subgroup per group: a FIN ends the group (draft-19 "Subgroup Header").
        endOfGroup: true,
        firstObject: object.id === 0n,
      };
      writeSubgroupHeader(w, gs.header);
    }
    writeSubgroupObject(w, gs.header, gs.previousObjectId, {
      header: { objectId: object.id, properties: object.properties, payloadLength: BigInt(object.payload.length), status: object.status },
      payload: object.payload,
    });
    gs.previousObjectId = object.id;
    await gs.writer.write(w.finish());
  }

  #sendOrder(gs: GroupStream): number {
    return dataSendOrder(this.#subscriberPriority, gs.publisherPriority, this.#groupOrder, gs.groupId);
  }

  #streamFailed(gs: GroupStream, error: unknown): void {
    // STOP_SENDING on one subgroup stream drops that subgroup only (draft-19 "Closing Subgroup Streams").
    gs.dead = true;
    if (streamErrorCode(error) === null && !this.#ctx.isClosed && !this.#ended) console.warn("MOQT: subgroup stream failed", error);
  }

  /** Reads the subscriber's side: REQUEST_UPDATE, FIN, or cancellation (unsubscribe). */
  async run(): Promise<void> {
    try {
      for (;;) {
        const message = await this.#stream.read();
        if (message === undefined) return;
        if (message.type === MoqtMessageType.GoAway) continue;
        if (message.type !== MoqtMessageType.RequestUpdate) {
          protocolViolation(`unexpected message 0x${message.type.toString(16)} from the subscriber`);
        }
        this.#ctx.acceptPeerRequestId(message.requestId);
        const p = message.parameters;
        if (p.subscriberPriority !== null) {
          this.#subscriberPriority = p.subscriberPriority;
          for (const gs of this.#groups.values()) if (gs.stream !== null) gs.stream.sendOrder = this.#sendOrder(gs);
        }
        if (p.forward !== null) {
          if (p.forward && !this.#forward) this.joiningLocation = this.track.largest;
          this.#forward = p.forward;
        }
        await this.#stream.write({
          type: MoqtMessageType.RequestOk,
          parameters: messageParameters({ largestObject: this.track.largest }),
          trackProperties: [],
        });
      }
    } catch (e) {
      if (!isStreamFailure(e) && !this.#ctx.isClosed) throw e;
      this.cancel(MoqtStreamResetCode.Cancelled);
    }
  }

  /** Unsubscribed, or the session is closing: resets every open subgroup stream. */
  cancel(code: number): void {
    if (this.#ended) return;
    this.#ended = true;
    this.track.removeListener(this);
    for (const gs of this.#groups.values()) {
      gs.dead = true;
      gs.writer?.abort(streamError(code)).catch(() => {});
    }
    this.#groups.clear();
    this.#stream.cancel(code);
    this.#onEnded(this);
  }

  #end(statusCode: number, reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.track.removeListener(this);
    for (const gs of this.#groups.values()) this.#finishGroupStream(gs);
    const chains = [...this.#groups.values()].map((gs) => gs.chain);
    this.#ctx.spawn(async () => {
      await Promise.all(chains);
      // draft-19 "PUBLISH_DONE": sent once every data stream of the subscription is closed.
      await this.#stream.write(
        { type: MoqtMessageType.PublishDone, statusCode: BigInt(statusCode), streamCount: this.#streamCount, errorReason: reason },
        true,
      );
      this.#onEnded(this);
    });
  }
}
