import type { BufferedStreamReader } from "../stream/buffered-stream-reader.ts";
import { FetchObjectKind, tryReadFetchObject } from "../wire/data/fetch-object.ts";
import { createFetchStreamState } from "../wire/data/fetch-stream-state.ts";
import type { ObjectDatagram } from "../wire/data/object-datagram.ts";
import { ObjectStatus } from "../wire/data/object-status.ts";
import { type SubgroupHeader, SubgroupIdMode } from "../wire/data/subgroup-header.ts";
import { tryReadSubgroupObject } from "../wire/data/subgroup-object.ts";
import { NEED_MORE } from "../wire/need-more.ts";
import type { FetchResponse } from "./fetch-response.ts";
import { isStreamFailure, streamError } from "./stream-error.ts";
import { MoqtStreamResetCode } from "./stream-reset-code.ts";
import type { Subscription } from "./subscription.ts";

const DEFAULT_PRIORITY = 128;

/**
 * Reads the objects of a subgroup stream (draft-19 "Subgroup Header") into its subscription. A reset ends only this
 * subgroup; malformed data throws MoqtProtocolError (the session closes).
 */
export async function receiveSubgroupStream(
  reader: BufferedStreamReader,
  header: SubgroupHeader,
  subscription: Subscription | undefined,
): Promise<void> {
  if (subscription === undefined || !subscription.streamOpened()) {
    await reader.cancel(streamError(MoqtStreamResetCode.Cancelled)).catch(() => {});
    return;
  }
  const priority = header.publisherPriority ?? DEFAULT_PRIORITY;
  let subgroup: bigint | null = header.subgroupIdMode === SubgroupIdMode.FirstObjectId ? null : header.subgroupId;
  let previous: bigint | null = null;
  try {
    for (;;) {
      const prior = previous;
      const object = await reader.read((bytes) => {
        const r = tryReadSubgroupObject(bytes, header, prior);
        return r === NEED_MORE ? NEED_MORE : { value: r.object, bytesRead: r.bytesRead };
      });
      if (object === undefined) return;
      previous = object.header.objectId;
      subgroup ??= object.header.objectId;
      subscription.deliver({
        group: header.groupId,
        subgroup,
        id: object.header.objectId,
        publisherPriority: priority,
        status: object.header.status,
        properties: object.header.properties,
        payload: object.payload,
        datagram: false,
      });
      if (subscription.finished) {
        await reader.cancel(streamError(MoqtStreamResetCode.Cancelled)).catch(() => {});
        return;
      }
    }
  } catch (e) {
    // A reset subgroup stream (draft-19 "Closing Subgroup Streams") loses the rest of that subgroup only.
    if (!isStreamFailure(e)) throw e;
  } finally {
    subscription.streamClosed();
  }
}

/** Reads a FETCH stream (draft-19 "Fetch Header") into its FetchResponse; End of Range entries carry no object. */
export async function receiveFetchStream(reader: BufferedStreamReader, fetch: FetchResponse | undefined): Promise<void> {
  if (fetch === undefined) {
    await reader.cancel(streamError(MoqtStreamResetCode.Cancelled)).catch(() => {});
    return;
  }
  fetch.attachData((code) => {
    reader.cancel(streamError(code)).catch(() => {});
  });
  const state = createFetchStreamState(fetch.groupOrder);
  try {
    for (;;) {
      const entry = await reader.read((bytes) => {
        const r = tryReadFetchObject(bytes, state);
        return r === NEED_MORE ? NEED_MORE : { value: r.object, bytesRead: r.bytesRead };
      });
      if (entry === undefined) {
        fetch.end();
        return;
      }
      const h = entry.header;
      if (h.kind !== FetchObjectKind.Object) continue;
      fetch.deliver({
        group: h.location.group,
        subgroup: h.subgroupId ?? 0n,
        id: h.location.object,
        publisherPriority: h.publisherPriority,
        status: ObjectStatus.Normal,
        properties: h.properties,
        payload: entry.payload,
        datagram: h.subgroupId === null,
      });
    }
  } catch (e) {
    fetch.end(e);
    if (!isStreamFailure(e)) throw e;
  }
}

/** Delivers an OBJECT_DATAGRAM to its subscription (draft-19 "Object Datagram"). */
export function deliverDatagram(datagram: ObjectDatagram, subscription: Subscription | undefined): void {
  if (subscription === undefined) return; // draft-19 "Datagrams": an unknown Track Alias MAY be dropped.
  subscription.deliver({
    group: datagram.groupId,
    subgroup: 0n,
    id: datagram.objectId,
    publisherPriority: datagram.publisherPriority ?? DEFAULT_PRIORITY,
    status: datagram.status ?? ObjectStatus.Normal,
    properties: datagram.properties,
    payload: datagram.payload,
    datagram: true,
  });
}
