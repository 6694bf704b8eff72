/** Control message types (draft-19 "Control Messages"). */
export const MoqtMessageType = {
  RequestUpdate: 0x2,
  Subscribe: 0x3,
  SubscribeOk: 0x4,
  RequestError: 0x5,
  PublishNamespace: 0x6,
  RequestOk: 0x7,
  Namespace: 0x8,
  PublishDone: 0xb,
  TrackStatus: 0xd,
  NamespaceDone: 0xe,
  PublishSkipped: 0xf,
  GoAway: 0x10,
  Fetch: 0x16,
  FetchOk: 0x18,
  Publish: 0x1d,
  SubscribeNamespace: 0x50,
  SubscribeTracks: 0x51,
  Setup: 0x2f00,
} as const;
export type MoqtMessageType = (typeof MoqtMessageType)[keyof typeof MoqtMessageType];

const known: ReadonlySet<bigint> = new Set(Object.values(MoqtMessageType).map((t) => BigInt(t)));

export function isKnownMessageType(type: bigint): boolean {
  return known.has(type);
}
