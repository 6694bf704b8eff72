/** REQUEST_ERROR codes (draft-19 "REQUEST_ERROR"). */
export const RequestErrorCode = {
  InternalError: 0x0,
  Unauthorized: 0x1,
  Timeout: 0x2,
  NotSupported: 0x3,
  MalformedAuthToken: 0x4,
  ExpiredAuthToken: 0x5,
  GoingAway: 0x6,
  ExcessiveLoad: 0x9,
  DoesNotExist: 0x10,
  InvalidRange: 0x11,
  MalformedTrack: 0x12,
  Uninterested: 0x20,
  PrefixOverlap: 0x30,
  NamespaceTooLarge: 0x31,
  InvalidJoiningRequestId: 0x32,
  UnsupportedExtension: 0x33,
  Redirect: 0x34,
  ConflictingFilters: 0x35,
  InvalidFilter: 0x36,
} as const;
export type RequestErrorCode = (typeof RequestErrorCode)[keyof typeof RequestErrorCode];

/** PUBLISH_DONE status codes (draft-19 "PUBLISH_DONE"). */
export const PublishDoneCode = {
  InternalError: 0x0,
  Unauthorized: 0x1,
  TrackEnded: 0x2,
  SubscriptionEnded: 0x3,
  GoingAway: 0x4,
  TooFarBehind: 0x5,
  Expired: 0x6,
  UpdateFailed: 0x8,
  ExcessiveLoad: 0x9,
  MalformedTrack: 0x12,
} as const;
export type PublishDoneCode = (typeof PublishDoneCode)[keyof typeof PublishDoneCode];
