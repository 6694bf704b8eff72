import { GroupOrder } from "../wire/group-order.ts";

const GROUP_BITS = 36;
const GROUP_SPAN = 2 ** GROUP_BITS;
const GROUP_MASK = BigInt(GROUP_SPAN - 1);

/** sendOrder for control and request streams: above every data stream. */
export const CONTROL_SEND_ORDER = Number.MAX_SAFE_INTEGER;
export const REQUEST_SEND_ORDER = Number.MAX_SAFE_INTEGER - 1;

/**
 * W3C sendOrder (higher is sent first) for a data stream, from draft-19 "Priorities": strict by subscriber priority,
 * then publisher priority (lower values first), then by group in the subscription's group order. Group IDs are taken
 * modulo 2^36 so the result stays an exact number (below 2^52).
 */
export function dataSendOrder(subscriberPriority: number, publisherPriority: number, groupOrder: GroupOrder, groupId: bigint): number {
  const urgency = ((subscriberPriority & 0xff) << 8) | (publisherPriority & 0xff);
  const group = Number(groupId & GROUP_MASK);
  const groupKey = groupOrder === GroupOrder.Ascending ? GROUP_SPAN - 1 - group : group;
  return (0xffff - urgency) * GROUP_SPAN + groupKey;
}
