import { ByteReader } from "./byte-reader.ts";
import type { ByteWriter } from "./byte-writer.ts";
import { MoqtErrorCode } from "./error-code.ts";
import { MessageParameterType, type RangeFilterType } from "./message-parameter-type.ts";
import { protocolViolation } from "./protocol-error.ts";
import { vi64EncodedLength } from "./vi64.ts";

/**
 * Range Filter parameter (draft-19 "Range Filters") (SUBGROUP/OBJECTID/PRIORITY/OBJECT PROPERTY/TRACK PROPERTY FILTER).
 * `encodedValues` are the wire values: alternating Start delta and End delta, the last range may omit End.
 * An empty value (`isRemoval`) removes the filter.
 */
export interface RangeFilter {
  readonly type: RangeFilterType;
  readonly isRemoval: boolean;
  readonly setId: number;
  readonly propertyType: bigint | null;
  readonly encodedValues: readonly bigint[];
}

export function hasPropertyType(type: RangeFilterType): boolean {
  return type === MessageParameterType.ObjectPropertyFilter || type === MessageParameterType.TrackPropertyFilter;
}

/** Number of ranges described by a filter. */
export function rangeCount(filter: RangeFilter): number {
  return Math.ceil(filter.encodedValues.length / 2);
}

function innerLength(filter: RangeFilter): number {
  if (filter.isRemoval) return 0;
  let length = 1;
  if (filter.propertyType !== null) length += vi64EncodedLength(filter.propertyType);
  for (const value of filter.encodedValues) length += vi64EncodedLength(value);
  return length;
}

/** Writes Length then the value. */
export function writeRangeFilter(writer: ByteWriter, filter: RangeFilter): void {
  if (!filter.isRemoval) {
    if (hasPropertyType(filter.type) !== (filter.propertyType !== null))
      throw new RangeError("Property Type is present exactly for the property filters");
    if (filter.encodedValues.length === 0) throw new RangeError("a Range Filter needs at least one range");
  }
  writer.writeVi64(innerLength(filter));
  if (filter.isRemoval) return;
  writer.writeU8(filter.setId);
  if (filter.propertyType !== null) writer.writeVi64(filter.propertyType);
  for (const value of filter.encodedValues) writer.writeVi64(value);
}

export function parseRangeFilter(type: RangeFilterType, bytes: Uint8Array): RangeFilter {
  if (bytes.length === 0) return { type, isRemoval: true, setId: 0, propertyType: null, encodedValues: [] };
  const reader = new ByteReader(bytes, MoqtErrorCode.ProtocolViolation);
  const setId = reader.readU8();
  const propertyType = hasPropertyType(type) ? reader.readVi64() : null;
  const encodedValues: bigint[] = [];
  while (!reader.atEnd) encodedValues.push(reader.readVi64());
  if (encodedValues.length === 0) protocolViolation(`Range Filter 0x${type.toString(16)} has no ranges`);
  return { type, isRemoval: false, setId, propertyType, encodedValues };
}
