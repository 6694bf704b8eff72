import { GroupOrder } from "../group-order.ts";

/**
 * What a FETCH stream's Serialization Flags refer back to ("the prior Object"). Readers and writers update it after
 * each entry; End of Range entries set only the prior Group and Object (draft-19 "End of Range").
 */
export interface FetchStreamState {
  /** From the FETCH request; drives the sign of Group ID Delta. */
  readonly groupOrder: GroupOrder;
  priorGroup: bigint | null;
  priorObject: bigint | null;
  priorSubgroup: bigint | null;
  priorPriority: number | null;
}

export function createFetchStreamState(groupOrder: GroupOrder = GroupOrder.Ascending): FetchStreamState {
  return { groupOrder, priorGroup: null, priorObject: null, priorSubgroup: null, priorPriority: null };
}
