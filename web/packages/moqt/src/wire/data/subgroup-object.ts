import { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import type { KeyValuePair } from "../key-value-pair.ts";
import { catchNeedMore, type NeedMore } from "../need-more.ts";
import { protocolViolation } from "../protocol-error.ts";
import { VI64_MAX } from "../vi64.ts";
import { readObjectProperties, writeObjectProperties } from "./object-properties.ts";
import { ObjectStatus, parseObjectStatus } from "./object-status.ts";
import type { SubgroupHeader } from "./subgroup-header.ts";

/** Object fields on a subgroup stream (draft-19 "Subgroup Header", Subgroup Object Fields). */
export interface SubgroupObjectHeader {
  readonly objectId: bigint;
  readonly properties: readonly KeyValuePair[];
  readonly payloadLength: bigint;
  readonly status: ObjectStatus;
}

export interface SubgroupObject {
  readonly header: SubgroupObjectHeader;
  readonly payload: Uint8Array;
}

/** Writes an object's fields and payload; `previousObjectId` is null for the first object on the stream. */
export function writeSubgroupObject(
  writer: ByteWriter,
  stream: SubgroupHeader,
  previousObjectId: bigint | null,
  object: SubgroupObject,
): void {
  const h = object.header;
  if (BigInt(object.payload.length) !== h.payloadLength) throw new RangeError("payload length does not match the header");
  if (h.payloadLength !== 0n && h.status !== ObjectStatus.Normal) throw new RangeError("only Normal objects carry a payload");
  if (h.properties.length > 0 && (!stream.hasProperties || h.status !== ObjectStatus.Normal)) {
    throw new RangeError("properties need the PROPERTIES header bit and a Normal status");
  }
  let delta = h.objectId;
  if (previousObjectId !== null) {
    if (h.objectId <= previousObjectId) throw new RangeError("Object IDs on a subgroup stream must increase");
    delta = h.objectId - previousObjectId - 1n;
  }
  writer.writeVi64(delta);
  if (stream.hasProperties) writeObjectProperties(writer, h.properties);
  writer.writeVi64(h.payloadLength);
  if (h.payloadLength === 0n) writer.writeVi64(h.status);
  writer.writeBytes(object.payload);
}

export function readSubgroupObject(reader: ByteReader, stream: SubgroupHeader, previousObjectId: bigint | null): SubgroupObject {
  const delta = reader.readVi64();
  let objectId = delta;
  if (previousObjectId !== null) {
    // Object ID = previous + delta + 1; past 2^64 - 1 is a PROTOCOL_VIOLATION.
    if (previousObjectId === VI64_MAX || delta > VI64_MAX - previousObjectId - 1n) protocolViolation("Object ID Delta overflows 2^64 - 1");
    objectId = previousObjectId + delta + 1n;
  }
  const properties = stream.hasProperties ? readObjectProperties(reader) : [];
  const payloadLength = reader.readVi64();
  let status: ObjectStatus = ObjectStatus.Normal;
  if (payloadLength === 0n) {
    status = parseObjectStatus(reader.readVi64());
    if (status !== ObjectStatus.Normal && properties.length > 0)
      protocolViolation("Object Properties on an object whose status is not Normal");
  }
  if (payloadLength > BigInt(Number.MAX_SAFE_INTEGER)) protocolViolation(`Object Payload Length ${payloadLength} is too large`);
  const payload = reader.readBytes(Number(payloadLength));
  return { header: { objectId, properties, payloadLength, status }, payload };
}

/** Reads one object (fields and payload) from a stream buffer; NEED_MORE until the whole payload is there. */
export function tryReadSubgroupObject(
  bytes: Uint8Array,
  stream: SubgroupHeader,
  previousObjectId: bigint | null,
): { object: SubgroupObject; bytesRead: number } | NeedMore {
  return catchNeedMore(() => {
    const reader = new ByteReader(bytes, "need-more");
    const object = readSubgroupObject(reader, stream, previousObjectId);
    return { object, bytesRead: reader.position };
  });
}
