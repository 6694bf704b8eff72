import { ByteWriter } from "../wire/byte-writer.ts";
import { type Fetch, FetchType } from "../wire/control/fetch.ts";
import { writeFetchHeader } from "../wire/data/fetch-header.ts";
import { FetchObjectKind, writeFetchObject } from "../wire/data/fetch-object.ts";
import { createFetchStreamState } from "../wire/data/fetch-stream-state.ts";
import { GroupOrder } from "../wire/group-order.ts";
import { compareLocations, type Location } from "../wire/location.ts";
import { messageParameters } from "../wire/message-parameters.ts";
import { MoqtMessageType } from "../wire/message-type.ts";
import type { MoqtObject } from "./moqt-object.ts";
import { rejectRequest } from "./reject.ts";
import { RequestErrorCode } from "./request-error-code.ts";
import type { RequestStream } from "./request-stream.ts";
import { dataSendOrder } from "./send-order.ts";
import type { ServedSubscription } from "./served-subscription.ts";
import type { SessionContext } from "./session-context.ts";
import type { TrackWriter } from "./track-writer.ts";

/** Where a FETCH finds its track: by name (standalone) or by the joined subscription (joining). */
export interface FetchTargets {
  track(fetch: Fetch): TrackWriter | undefined;
  /** The subscription a joining FETCH names; a promise while its SUBSCRIBE may still be on the way. */
  subscription(requestId: bigint): ServedSubscription | undefined | Promise<ServedSubscription | undefined>;
}

/** Inclusive end; `object` null means the whole group. */
interface FetchEnd {
  readonly group: bigint;
  readonly object: bigint | null;
}

const DEFAULT_SUBSCRIBER_PRIORITY = 128;

/**
 * Serves a FETCH from a track's cache (draft-19 "Fetch Handling"): FETCH_OK, then one FETCH stream with the cached
 * objects in range, in the requested group order, ended with FIN. Objects older than the cache are not sent.
 */
export async function serveFetch(ctx: SessionContext, stream: RequestStream, fetch: Fetch, targets: FetchTargets): Promise<void> {
  const order = fetch.parameters.groupOrder ?? GroupOrder.Ascending;
  let track: TrackWriter | undefined;
  let start: Location;
  let end: FetchEnd;
  if (fetch.fetchType === FetchType.Standalone) {
    track = targets.track(fetch);
    if (track === undefined) return rejectRequest(stream, RequestErrorCode.DoesNotExist, "no such track");
    start = fetch.startLocation;
    // draft-19 "Standalone Fetch": End Location is the last object + 1; object 0 requests the whole group.
    end =
      fetch.endLocation.object === 0n
        ? { group: fetch.endLocation.group, object: null }
        : { group: fetch.endLocation.group, object: fetch.endLocation.object - 1n };
  } else {
    const joined = await targets.subscription(fetch.joiningRequestId);
    if (joined === undefined) return rejectRequest(stream, RequestErrorCode.InvalidJoiningRequestId, "no such subscription");
    if (!joined.forward) return rejectRequest(stream, RequestErrorCode.InvalidRange, "the joined subscription has Forward State 0");
    const joining = joined.joiningLocation;
    if (joining === null) return rejectRequest(stream, RequestErrorCode.InvalidRange, "nothing was published before the subscription");
    track = joined.track;
    // draft-19 "Joining Fetch Range Calculation".
    const startGroup =
      fetch.fetchType === FetchType.RelativeJoining
        ? fetch.joiningStart >= joining.group
          ? 0n
          : joining.group - fetch.joiningStart
        : fetch.joiningStart;
    start = { group: startGroup, object: 0n };
    end = { group: joining.group, object: joining.object };
  }
  const largest = track.largest;
  if (largest === null) return rejectRequest(stream, RequestErrorCode.InvalidRange, "nothing published yet");
  if (compareLocations(start, largest) > 0)
    return rejectRequest(stream, RequestErrorCode.InvalidRange, "the start is after the largest object");
  if (end.group < start.group || (end.group === start.group && end.object !== null && end.object < start.object)) {
    return rejectRequest(stream, RequestErrorCode.InvalidRange, "the end is before the start");
  }

  const beyondLargest = end.group > largest.group || (end.group === largest.group && (end.object === null || end.object >= largest.object));
  const inRange = (o: MoqtObject) =>
    compareLocations({ group: o.group, object: o.id }, start) >= 0 &&
    (o.group < end.group || (o.group === end.group && (end.object === null || o.id <= end.object)));
  const groups = track.cachedGroups.map((g) => g.objects.filter(inRange)).filter((objects) => objects.length > 0);
  if (order === GroupOrder.Descending) groups.reverse();

  await stream.write(
    {
      type: MoqtMessageType.FetchOk,
      endOfTrack: track.closed && beyondLargest,
      endLocation: beyondLargest
        ? { group: largest.group, object: largest.object + 1n }
        : { group: end.group, object: end.object === null ? 0n : end.object + 1n },
      parameters: messageParameters(),
      trackProperties: [],
    },
    true,
  );

  const subscriberPriority = fetch.parameters.subscriberPriority ?? DEFAULT_SUBSCRIBER_PRIORITY;
  const data = await ctx.transport.createUnidirectionalStream({
    sendOrder: dataSendOrder(subscriberPriority, track.publisherPriority, order, start.group),
  });
  const writer = data.getWriter();
  const w = new ByteWriter();
  writeFetchHeader(w, { requestId: fetch.requestId });
  const state = createFetchStreamState(order);
  for (const objects of groups) {
    for (const o of objects) {
      writeFetchObject(w, state, {
        header: {
          kind: FetchObjectKind.Object,
          location: { group: o.group, object: o.id },
          subgroupId: o.datagram ? null : o.subgroup,
          publisherPriority: o.publisherPriority,
          properties: o.properties,
          payloadLength: BigInt(o.payload.length),
        },
        payload: o.payload,
      });
    }
  }
  await writer.write(w.finish());
  await writer.close();
}
