import { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import { GroupOrder } from "../group-order.ts";
import type { KeyValuePair } from "../key-value-pair.ts";
import type { Location } from "../location.ts";
import { catchNeedMore, type NeedMore } from "../need-more.ts";
import { protocolViolation } from "../protocol-error.ts";
import { VI64_MAX } from "../vi64.ts";
import type { FetchStreamState } from "./fetch-stream-state.ts";
import { readObjectProperties, writeObjectProperties } from "./object-properties.ts";

/** Kind of a FETCH stream entry. */
export const FetchObjectKind = {
  Object: 0,
  /** Serialization Flags 0x8C. */
  EndOfNonExistentRange: 1,
  /** Serialization Flags 0x10C. */
  EndOfUnknownRange: 2,
} as const;
export type FetchObjectKind = (typeof FetchObjectKind)[keyof typeof FetchObjectKind];

const SUBGROUP_MASK = 0x03;
const OBJECT_ID_PRESENT = 0x04;
const GROUP_ID_PRESENT = 0x08;
const PRIORITY_PRESENT = 0x10;
const PROPERTIES_PRESENT = 0x20;
const DATAGRAM = 0x40;
const END_OF_NON_EXISTENT_RANGE = 0x8cn;
const END_OF_UNKNOWN_RANGE = 0x10cn;

/**
 * One entry on a FETCH stream, resolved to absolute values. `subgroupId` null = Datagram forwarding preference.
 * End of Range entries carry only `location` (priority 0, no properties, payload length 0).
 */
export interface FetchObjectHeader {
  readonly kind: FetchObjectKind;
  readonly location: Location;
  readonly subgroupId: bigint | null;
  readonly publisherPriority: number;
  readonly properties: readonly KeyValuePair[];
  readonly payloadLength: bigint;
}

export interface FetchObject {
  readonly header: FetchObjectHeader;
  readonly payload: Uint8Array;
}

function apply(state: FetchStreamState, h: FetchObjectHeader): void {
  state.priorGroup = h.location.group;
  state.priorObject = h.location.object;
  if (h.kind === FetchObjectKind.Object) {
    state.priorSubgroup = h.subgroupId;
    state.priorPriority = h.publisherPriority;
  }
}

/** Writes an entry with the most compact Serialization Flags against `state`, then updates `state`. */
export function writeFetchObject(writer: ByteWriter, state: FetchStreamState, object: FetchObject): void {
  const h = object.header;
  if (h.kind !== FetchObjectKind.Object) {
    // Reading of draft-19 (testdata README): End of Range carries absolute Group ID and Object ID, then length 0.
    writer.writeVi64(h.kind === FetchObjectKind.EndOfUnknownRange ? END_OF_UNKNOWN_RANGE : END_OF_NON_EXISTENT_RANGE);
    writer.writeLocation(h.location);
    writer.writeVi64(0);
    apply(state, h);
    return;
  }
  if (BigInt(object.payload.length) !== h.payloadLength) throw new RangeError("payload length does not match the header");
  let flags = 0;
  let groupDelta = 0n;
  let objectDelta = 0n;
  const { priorGroup, priorObject } = state;
  if (priorGroup === null || priorObject === null) {
    flags |= GROUP_ID_PRESENT | OBJECT_ID_PRESENT;
    groupDelta = h.location.group;
    objectDelta = h.location.object;
  } else {
    const newGroup = h.location.group !== priorGroup;
    if (newGroup) {
      flags |= GROUP_ID_PRESENT;
      if (state.groupOrder === GroupOrder.Ascending) {
        if (h.location.group < priorGroup) throw new RangeError("FETCH groups must follow the ascending group order");
        groupDelta = h.location.group - priorGroup - 1n;
      } else {
        if (h.location.group > priorGroup) throw new RangeError("FETCH groups must follow the descending group order");
        groupDelta = priorGroup - h.location.group - 1n;
      }
    }
    if (h.location.object !== priorObject + 1n) {
      flags |= OBJECT_ID_PRESENT;
      if (newGroup) objectDelta = h.location.object;
      else if (h.location.object <= priorObject) throw new RangeError("FETCH objects within a group must be in ascending Object ID order");
      else objectDelta = h.location.object - priorObject;
    }
  }
  const subgroup = h.subgroupId;
  if (subgroup === null) flags |= DATAGRAM;
  else if (subgroup === 0n) flags |= 0x00;
  else if (state.priorSubgroup === subgroup) flags |= 0x01;
  else if (state.priorSubgroup !== null && subgroup === state.priorSubgroup + 1n) flags |= 0x02;
  else flags |= 0x03;
  if (state.priorPriority !== h.publisherPriority) flags |= PRIORITY_PRESENT;
  if (h.properties.length > 0) flags |= PROPERTIES_PRESENT;

  writer.writeVi64(flags);
  if (flags & GROUP_ID_PRESENT) writer.writeVi64(groupDelta);
  if (subgroup !== null && (flags & SUBGROUP_MASK) === 0x03) writer.writeVi64(subgroup);
  if (flags & OBJECT_ID_PRESENT) writer.writeVi64(objectDelta);
  if (flags & PRIORITY_PRESENT) writer.writeU8(h.publisherPriority);
  if (flags & PROPERTIES_PRESENT) writeObjectProperties(writer, h.properties);
  writer.writeVi64(h.payloadLength);
  writer.writeBytes(object.payload);
  apply(state, h);
}

function missing(what: string): never {
  protocolViolation(`FETCH object references a missing prior ${what}`);
}

/** Reads one entry and its payload; updates `state` only once the whole entry has been read. */
export function readFetchObject(reader: ByteReader, state: FetchStreamState): FetchObject {
  const flags = reader.readVi64();
  if (flags === END_OF_NON_EXISTENT_RANGE || flags === END_OF_UNKNOWN_RANGE) {
    const location = reader.readLocation();
    if (reader.readVi64() !== 0n) protocolViolation("End of Range with a non-zero Object Payload Length");
    const header: FetchObjectHeader = {
      kind: flags === END_OF_UNKNOWN_RANGE ? FetchObjectKind.EndOfUnknownRange : FetchObjectKind.EndOfNonExistentRange,
      location,
      subgroupId: null,
      publisherPriority: 0,
      properties: [],
      payloadLength: 0n,
    };
    apply(state, header);
    return { header, payload: new Uint8Array(0) };
  }
  if (flags > 0x7fn) protocolViolation(`invalid FETCH Serialization Flags 0x${flags.toString(16)}`);
  const f = Number(flags);
  const groupDelta = f & GROUP_ID_PRESENT ? reader.readVi64() : null;
  const datagram = (f & DATAGRAM) !== 0;
  let subgroupId: bigint | null = !datagram && (f & SUBGROUP_MASK) === 0x03 ? reader.readVi64() : null;
  const objectDelta = f & OBJECT_ID_PRESENT ? reader.readVi64() : null;
  const priority = f & PRIORITY_PRESENT ? reader.readU8() : null;
  const properties = f & PROPERTIES_PRESENT ? readObjectProperties(reader) : [];
  const payloadLength = reader.readVi64();
  if (payloadLength > BigInt(Number.MAX_SAFE_INTEGER)) protocolViolation(`Object Payload Length ${payloadLength} is too large`);
  const payload = reader.readBytes(Number(payloadLength));

  const { priorGroup, priorObject } = state;
  let group: bigint;
  let object: bigint;
  if (priorGroup === null || priorObject === null) {
    // The first object carries absolute Group ID and Object ID.
    if (groupDelta === null || objectDelta === null) protocolViolation("the first FETCH object must carry Group ID and Object ID");
    group = groupDelta;
    object = objectDelta;
  } else {
    if (groupDelta === null) group = priorGroup;
    else if (state.groupOrder === GroupOrder.Ascending) {
      if (groupDelta >= VI64_MAX - priorGroup) protocolViolation("FETCH Group ID exceeds 2^64 - 1");
      group = priorGroup + groupDelta + 1n;
    } else {
      if (groupDelta >= priorGroup) protocolViolation("FETCH Group ID would be negative");
      group = priorGroup - groupDelta - 1n;
    }
    if (objectDelta === null) {
      if (priorObject === VI64_MAX) protocolViolation("FETCH Object ID exceeds 2^64 - 1");
      object = priorObject + 1n;
    } else if (groupDelta !== null) object = objectDelta;
    else {
      if (objectDelta > VI64_MAX - priorObject) protocolViolation("FETCH Object ID exceeds 2^64 - 1");
      object = priorObject + objectDelta;
    }
  }
  if (!datagram) {
    switch (f & SUBGROUP_MASK) {
      case 0x00:
        subgroupId = 0n;
        break;
      case 0x01:
        subgroupId = state.priorSubgroup ?? missing("Subgroup ID");
        break;
      case 0x02: {
        const prior = state.priorSubgroup ?? missing("Subgroup ID");
        if (prior === VI64_MAX) protocolViolation("FETCH Subgroup ID exceeds 2^64 - 1");
        subgroupId = prior + 1n;
        break;
      }
    }
  }
  const publisherPriority = priority ?? state.priorPriority ?? missing("Publisher Priority");
  const header: FetchObjectHeader = {
    kind: FetchObjectKind.Object,
    location: { group, object },
    subgroupId,
    publisherPriority,
    properties,
    payloadLength,
  };
  apply(state, header);
  return { header, payload };
}

/** Reads one entry from a stream buffer; on NEED_MORE `state` is unchanged. */
export function tryReadFetchObject(bytes: Uint8Array, state: FetchStreamState): { object: FetchObject; bytesRead: number } | NeedMore {
  return catchNeedMore(() => {
    const reader = new ByteReader(bytes, "need-more");
    const object = readFetchObject(reader, state);
    return { object, bytesRead: reader.position };
  });
}
