import type { GroupOrder } from "../wire/group-order.ts";
import type { Location } from "../wire/location.ts";
import { type LocationFilter, LocationFilterType } from "../wire/location-filter.ts";

/** Where a subscription starts (draft-19 "Location Filters"). */
export type SubscribeFilter =
  /** After the largest object: the rest of the current group, then new groups. */
  | { readonly type: "largest-object" }
  /** From the start of the next group. */
  | { readonly type: "next-group-start" }
  | { readonly type: "absolute-start"; readonly start: Location }
  /** From `start` through the whole of `endGroup`. */
  | { readonly type: "absolute-range"; readonly start: Location; readonly endGroup: bigint };

export interface SubscribeOptions {
  /** Default: largest-object. */
  readonly filter?: SubscribeFilter;
  /** Subscriber Priority 0 (most important) .. 255; default 128. */
  readonly priority?: number;
  readonly groupOrder?: GroupOrder;
  /** Forward State (draft-19 "FORWARD Parameter"); false subscribes without receiving objects. Default true. */
  readonly forward?: boolean;
}

export interface FetchOptions {
  /** Subscriber Priority 0 .. 255; default 128. */
  readonly priority?: number;
  readonly groupOrder?: GroupOrder;
}

/** A standalone FETCH range: `start` through `end` inclusive; an `end` without `object` means the whole group. */
export interface FetchRange {
  readonly start: Location;
  readonly end: { readonly group: bigint; readonly object?: bigint };
}

/** A joining FETCH (draft-19 "Joining Fetches"): `groupsBack` groups before the joining location (relative), or from `startGroup`. */
export type JoiningFetchStart = { readonly groupsBack: bigint } | { readonly startGroup: bigint };

export function toLocationFilter(filter: SubscribeFilter): LocationFilter {
  switch (filter.type) {
    case "largest-object":
      return { type: LocationFilterType.LargestObject, start: null, endGroupDelta: null };
    case "next-group-start":
      return { type: LocationFilterType.NextGroupStart, start: null, endGroupDelta: null };
    case "absolute-start":
      return { type: LocationFilterType.AbsoluteStart, start: filter.start, endGroupDelta: null };
    case "absolute-range":
      if (filter.endGroup < filter.start.group) throw new RangeError("endGroup is before the start group");
      return { type: LocationFilterType.AbsoluteRange, start: filter.start, endGroupDelta: filter.endGroup - filter.start.group };
  }
}
