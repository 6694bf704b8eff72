import { ByteReader } from "../byte-reader.ts";
import { ByteWriter } from "../byte-writer.ts";
import { MoqtErrorCode } from "../error-code.ts";
import { type KeyValuePair, parseKeyValuePairs } from "../key-value-pair.ts";
import { protocolViolation } from "../protocol-error.ts";
import { writeObjectProperties } from "./object-properties.ts";
import { ObjectStatus, parseObjectStatus } from "./object-status.ts";
import { StreamType } from "./stream-type.ts";

/**
 * OBJECT_DATAGRAM (draft-19 "Object Datagram"). `publisherPriority` null = DEFAULT_PRIORITY; `status` null = the
 * payload form, otherwise the STATUS form (no payload). The Type is derived from the fields, choosing ZERO_OBJECT_ID
 * whenever the Object ID is 0.
 */
export interface ObjectDatagram {
  readonly trackAlias: bigint;
  readonly groupId: bigint;
  readonly objectId: bigint;
  readonly publisherPriority: number | null;
  readonly properties: readonly KeyValuePair[];
  readonly endOfGroup: boolean;
  readonly status: ObjectStatus | null;
  readonly payload: Uint8Array;
}

export function objectDatagramType(d: ObjectDatagram): number {
  return (
    (d.properties.length > 0 ? 0x01 : 0) |
    (d.endOfGroup ? 0x02 : 0) |
    (d.objectId === 0n ? 0x04 : 0) |
    (d.publisherPriority === null ? 0x08 : 0) |
    (d.status === null ? 0 : 0x20)
  );
}

/** 0x00..0x0F and 0x20..0x2F without END_OF_GROUP in the STATUS form. */
export function isObjectDatagramType(type: bigint): boolean {
  return type <= 0x0fn || (type >= 0x20n && type <= 0x2fn && (type & 0x02n) === 0n);
}

export function encodeObjectDatagram(d: ObjectDatagram): Uint8Array {
  if (d.status !== null) {
    if (d.endOfGroup) throw new RangeError("a STATUS datagram cannot signal End of Group");
    if (d.payload.length > 0) throw new RangeError("a STATUS datagram has no payload");
    if (d.properties.length > 0 && d.status !== ObjectStatus.Normal) throw new RangeError("only Normal objects carry properties");
  }
  const writer = new ByteWriter(16 + d.payload.length);
  writer.writeVi64(objectDatagramType(d));
  writer.writeVi64(d.trackAlias);
  writer.writeVi64(d.groupId);
  if (d.objectId !== 0n) writer.writeVi64(d.objectId);
  if (d.publisherPriority !== null) writer.writeU8(d.publisherPriority);
  if (d.properties.length > 0) writeObjectProperties(writer, d.properties);
  if (d.status !== null) writer.writeVi64(d.status);
  else writer.writeBytes(d.payload);
  return writer.finish();
}

/**
 * Decodes a whole datagram. Returns null for a padding datagram (to be discarded). A datagram is complete by
 * definition, so running short is a PROTOCOL_VIOLATION.
 */
export function decodeObjectDatagram(bytes: Uint8Array): ObjectDatagram | null {
  const reader = new ByteReader(bytes, MoqtErrorCode.ProtocolViolation);
  const type = reader.readVi64();
  if (type === StreamType.PaddingDatagram) return null;
  if (!isObjectDatagramType(type)) protocolViolation(`unknown or invalid datagram type 0x${type.toString(16)}`);
  const t = Number(type);
  const trackAlias = reader.readVi64();
  const groupId = reader.readVi64();
  const objectId = t & 0x04 ? 0n : reader.readVi64();
  const publisherPriority = t & 0x08 ? null : reader.readU8();
  let properties: KeyValuePair[] = [];
  if (t & 0x01) {
    const length = reader.readLength(Number.MAX_SAFE_INTEGER, "Properties Length");
    if (length === 0) protocolViolation("PROPERTIES datagram with Properties Length 0");
    properties = parseKeyValuePairs(reader.readBytes(length));
  }
  let status: ObjectStatus | null = null;
  let payload: Uint8Array = new Uint8Array(0);
  if (t & 0x20) {
    status = parseObjectStatus(reader.readVi64());
    if (status !== ObjectStatus.Normal && properties.length > 0) protocolViolation("properties on a datagram whose status is not Normal");
    reader.expectEnd("OBJECT_DATAGRAM status");
  } else {
    payload = reader.readRest();
  }
  return { trackAlias, groupId, objectId, publisherPriority, properties, endOfGroup: (t & 0x02) !== 0, status, payload };
}
