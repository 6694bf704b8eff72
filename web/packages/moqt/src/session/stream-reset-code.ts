/** Stream reset / STOP_SENDING codes (draft-19 "Stream Reset Error Codes"). */
export const MoqtStreamResetCode = {
  InternalError: 0x0,
  Cancelled: 0x1,
  DeliveryTimeout: 0x2,
  SessionClosed: 0x3,
  GoingAway: 0x4,
  TooFarBehind: 0x5,
  UnknownObjectStatus: 0x6,
  ExpiredAuthToken: 0x7,
  ExcessiveLoad: 0x9,
  MalformedTrack: 0x12,
} as const;
export type MoqtStreamResetCode = (typeof MoqtStreamResetCode)[keyof typeof MoqtStreamResetCode];
