import { ByteReader } from "./byte-reader.ts";
import type { ByteWriter } from "./byte-writer.ts";
import { MoqtErrorCode } from "./error-code.ts";
import type { Location } from "./location.ts";
import { protocolViolation } from "./protocol-error.ts";
import { VI64_MAX } from "./vi64.ts";

/** Location Filter types (draft-19 "Location Filters"). */
export const LocationFilterType = {
  NextGroupStart: 0x1,
  LargestObject: 0x2,
  AbsoluteStart: 0x3,
  AbsoluteRange: 0x4,
} as const;
export type LocationFilterType = (typeof LocationFilterType)[keyof typeof LocationFilterType];

/** LOCATION FILTER value (draft-19 "LOCATION FILTER Parameter"). `start` for AbsoluteStart/AbsoluteRange; `endGroupDelta` for AbsoluteRange. */
export interface LocationFilter {
  readonly type: LocationFilterType;
  readonly start: Location | null;
  readonly endGroupDelta: bigint | null;
}

/** End Group of an AbsoluteRange filter (Start.Group + End Group Delta), else null. */
export function locationFilterEndGroup(filter: LocationFilter): bigint | null {
  return filter.start !== null && filter.endGroupDelta !== null ? filter.start.group + filter.endGroupDelta : null;
}

export function writeLocationFilter(writer: ByteWriter, filter: LocationFilter): void {
  const hasStart = filter.type === LocationFilterType.AbsoluteStart || filter.type === LocationFilterType.AbsoluteRange;
  const hasEnd = filter.type === LocationFilterType.AbsoluteRange;
  if (hasStart !== (filter.start !== null) || hasEnd !== (filter.endGroupDelta !== null)) {
    throw new RangeError(`location filter fields do not match type ${filter.type}`);
  }
  writer.writeVi64(filter.type);
  if (filter.start !== null) writer.writeLocation(filter.start);
  if (filter.endGroupDelta !== null) writer.writeVi64(filter.endGroupDelta);
}

export function parseLocationFilter(bytes: Uint8Array): LocationFilter {
  const reader = new ByteReader(bytes, MoqtErrorCode.ProtocolViolation);
  const type = reader.readVi64();
  let filter: LocationFilter;
  switch (type) {
    case 1n:
    case 2n:
      filter = { type: Number(type) as LocationFilterType, start: null, endGroupDelta: null };
      break;
    case 3n:
      filter = { type: LocationFilterType.AbsoluteStart, start: reader.readLocation(), endGroupDelta: null };
      break;
    case 4n: {
      const start = reader.readLocation();
      const endGroupDelta = reader.readVi64();
      if (endGroupDelta > VI64_MAX - start.group) protocolViolation("AbsoluteRange end group exceeds 2^64 - 1");
      filter = { type: LocationFilterType.AbsoluteRange, start, endGroupDelta };
      break;
    }
    default:
      protocolViolation(`unknown Location Filter Type ${type}`);
  }
  reader.expectEnd("LOCATION_FILTER");
  return filter;
}
