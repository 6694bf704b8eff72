/** Message Parameter types (draft-19 "Message Parameters" and its subsections). */
export const MessageParameterType = {
  ObjectDeliveryTimeout: 0x02,
  AuthorizationToken: 0x03,
  RendezvousTimeout: 0x04,
  SubgroupDeliveryTimeout: 0x06,
  Expires: 0x08,
  LargestObject: 0x09,
  FillTimeout: 0x0a,
  Forward: 0x10,
  SubscriberPriority: 0x20,
  LocationFilter: 0x21,
  GroupOrder: 0x22,
  SubgroupFilter: 0x25,
  ObjectIdFilter: 0x26,
  PriorityFilter: 0x27,
  ObjectPropertyFilter: 0x28,
  TrackPropertyFilter: 0x29,
  NewGroupRequest: 0x32,
  TrackNamespacePrefix: 0x34,
} as const;
export type MessageParameterType = (typeof MessageParameterType)[keyof typeof MessageParameterType];

export type RangeFilterType =
  | typeof MessageParameterType.SubgroupFilter
  | typeof MessageParameterType.ObjectIdFilter
  | typeof MessageParameterType.PriorityFilter
  | typeof MessageParameterType.ObjectPropertyFilter
  | typeof MessageParameterType.TrackPropertyFilter;

export function isRangeFilterType(type: number): type is RangeFilterType {
  return type >= MessageParameterType.SubgroupFilter && type <= MessageParameterType.TrackPropertyFilter;
}
