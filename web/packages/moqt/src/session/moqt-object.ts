import { ObjectStatus } from "../wire/data/object-status.ts";
import type { KeyValuePair } from "../wire/key-value-pair.ts";
import type { Location } from "../wire/location.ts";

/** An object as delivered to, or written by, the application (draft-19 "Objects"). */
export interface MoqtObject {
  readonly group: bigint;
  readonly subgroup: bigint;
  readonly id: bigint;
  /** 0 is the most important (draft-19 "Priorities"). */
  readonly publisherPriority: number;
  readonly status: ObjectStatus;
  /** Object Properties (e.g. LOC TIMESTAMP 0x10), in ascending type order. */
  readonly properties: readonly KeyValuePair[];
  readonly payload: Uint8Array;
  /** True when it came as (or is to be sent as) an OBJECT_DATAGRAM. */
  readonly datagram: boolean;
}

export function objectLocation(o: MoqtObject): Location {
  return { group: o.group, object: o.id };
}

/** The value of the first even-typed (vi64) property of `type`, or undefined. */
export function intProperty(properties: readonly KeyValuePair[], type: bigint): bigint | undefined {
  return properties.find((p) => p.type === type)?.value;
}

/** The bytes of the first odd-typed property of `type`, or undefined. */
export function bytesProperty(properties: readonly KeyValuePair[], type: bigint): Uint8Array | undefined {
  return properties.find((p) => p.type === type)?.bytes;
}

export function isNormal(o: MoqtObject): boolean {
  return o.status === ObjectStatus.Normal;
}
