import { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import { catchNeedMore, type NeedMore } from "../need-more.ts";
import { protocolViolation } from "../protocol-error.ts";
import { isSubgroupHeaderType } from "./stream-type.ts";

/** SUBGROUP_ID_MODE (type bits 1-2). */
export const SubgroupIdMode = {
  Zero: 0,
  FirstObjectId: 1,
  Explicit: 2,
} as const;
export type SubgroupIdMode = (typeof SubgroupIdMode)[keyof typeof SubgroupIdMode];

/**
 * SUBGROUP_HEADER (draft-19 "Subgroup Header"). `subgroupId` is only meaningful with the Explicit mode (0 otherwise;
 * with FirstObjectId the ID is the first object's). `publisherPriority` null = DEFAULT_PRIORITY bit set.
 */
export interface SubgroupHeader {
  readonly trackAlias: bigint;
  readonly groupId: bigint;
  readonly subgroupIdMode: SubgroupIdMode;
  readonly subgroupId: bigint;
  readonly publisherPriority: number | null;
  readonly hasProperties: boolean;
  readonly endOfGroup: boolean;
  readonly firstObject: boolean;
}

export function subgroupStreamType(h: SubgroupHeader): number {
  return (
    0x10 |
    (h.hasProperties ? 0x01 : 0) |
    (h.subgroupIdMode << 1) |
    (h.endOfGroup ? 0x08 : 0) |
    (h.publisherPriority === null ? 0x20 : 0) |
    (h.firstObject ? 0x40 : 0)
  );
}

export function writeSubgroupHeader(writer: ByteWriter, h: SubgroupHeader): void {
  if (h.subgroupIdMode !== SubgroupIdMode.Explicit && h.subgroupId !== 0n) {
    throw new RangeError("only the Explicit SUBGROUP_ID_MODE carries a Subgroup ID");
  }
  writer.writeVi64(subgroupStreamType(h));
  writer.writeVi64(h.trackAlias);
  writer.writeVi64(h.groupId);
  if (h.subgroupIdMode === SubgroupIdMode.Explicit) writer.writeVi64(h.subgroupId);
  if (h.publisherPriority !== null) writer.writeU8(h.publisherPriority);
}

export function readSubgroupHeader(reader: ByteReader): SubgroupHeader {
  const type = reader.readVi64();
  if (!isSubgroupHeaderType(type)) protocolViolation(`invalid SUBGROUP_HEADER type 0x${type.toString(16)}`);
  const t = Number(type);
  const trackAlias = reader.readVi64();
  const groupId = reader.readVi64();
  const subgroupIdMode = ((t & 0x06) >> 1) as SubgroupIdMode;
  const subgroupId = subgroupIdMode === SubgroupIdMode.Explicit ? reader.readVi64() : 0n;
  const publisherPriority = (t & 0x20) === 0 ? reader.readU8() : null;
  return {
    trackAlias,
    groupId,
    subgroupIdMode,
    subgroupId,
    publisherPriority,
    hasProperties: (t & 0x01) !== 0,
    endOfGroup: (t & 0x08) !== 0,
    firstObject: (t & 0x40) !== 0,
  };
}

/** Reads a SUBGROUP_HEADER from the start of a stream buffer. */
export function tryReadSubgroupHeader(bytes: Uint8Array): { header: SubgroupHeader; bytesRead: number } | NeedMore {
  return catchNeedMore(() => {
    const reader = new ByteReader(bytes, "need-more");
    const header = readSubgroupHeader(reader);
    return { header, bytesRead: reader.position };
  });
}
