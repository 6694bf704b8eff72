import { protocolViolation } from "./protocol-error.ts";

/** Group Order (draft-19 "GROUP ORDER Parameter"). */
export const GroupOrder = {
  Ascending: 0x1,
  Descending: 0x2,
} as const;
export type GroupOrder = (typeof GroupOrder)[keyof typeof GroupOrder];

export function parseGroupOrder(value: number): GroupOrder {
  if (value !== GroupOrder.Ascending && value !== GroupOrder.Descending) {
    protocolViolation(`group order ${value} is not Ascending (1) or Descending (2)`);
  }
  return value;
}
