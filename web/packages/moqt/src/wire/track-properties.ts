import type { ByteReader } from "./byte-reader.ts";
import { type KeyValuePair, readKeyValuePairsToEnd } from "./key-value-pair.ts";
import { protocolViolation } from "./protocol-error.ts";

/** Property types with defined values (draft-19 "Properties" and IANA "MOQ Properties"). */
export const PropertyType = {
  ObjectDeliveryTimeout: 0x02n,
  MaxCacheDuration: 0x04n,
  SubgroupDeliveryTimeout: 0x06n,
  ImmutableProperties: 0x0bn,
  DefaultPublisherPriority: 0x0en,
  DefaultPublisherGroupOrder: 0x22n,
  DynamicGroups: 0x30n,
  PriorGroupIdGap: 0x3cn,
  PriorObjectIdGap: 0x3en,
} as const;

/** Reads Track Properties to the end of a control message, checking the values draft-19 constrains. */
export function readTrackProperties(reader: ByteReader): KeyValuePair[] {
  const properties = readKeyValuePairsToEnd(reader);
  for (const p of properties) {
    if (p.type === PropertyType.DefaultPublisherPriority && p.value > 255n)
      protocolViolation(`DEFAULT PUBLISHER PRIORITY ${p.value} exceeds 255`);
    if (p.type === PropertyType.DefaultPublisherGroupOrder && p.value !== 1n && p.value !== 2n)
      protocolViolation(`DEFAULT_PUBLISHER_GROUP_ORDER ${p.value} is not 1 or 2`);
    if (p.type === PropertyType.DynamicGroups && p.value > 1n) protocolViolation(`DYNAMIC_GROUPS ${p.value} is not 0 or 1`);
  }
  return properties;
}
