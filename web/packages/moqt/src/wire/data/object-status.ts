import { protocolViolation } from "../protocol-error.ts";

/** Object Status (draft-19 "Object Status"). */
export const ObjectStatus = {
  Normal: 0x0,
  EndOfGroup: 0x3,
  EndOfTrack: 0x4,
} as const;
export type ObjectStatus = (typeof ObjectStatus)[keyof typeof ObjectStatus];

export function parseObjectStatus(value: bigint): ObjectStatus {
  if (value === 0n || value === 3n || value === 4n) return Number(value) as ObjectStatus;
  protocolViolation(`unknown Object Status 0x${value.toString(16)}`);
}
