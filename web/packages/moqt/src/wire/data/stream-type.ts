import { protocolViolation } from "../protocol-error.ts";

/** Unidirectional stream and datagram types (draft-19 "Unidirectional Stream Types", "Padding"). */
export const StreamType = {
  FetchHeader: 0x05n,
  Setup: 0x2f00n,
  PaddingStream: 0x132b3e28n,
  PaddingDatagram: 0x132b3e29n,
} as const;

export const StreamKind = {
  Control: "control",
  Subgroup: "subgroup",
  Fetch: "fetch",
  Padding: "padding",
} as const;
export type StreamKind = (typeof StreamKind)[keyof typeof StreamKind];

/** SUBGROUP_HEADER types are 0b0XX1XXXX with SUBGROUP_ID_MODE (mask 0x06) not 0b11. */
export function isSubgroupHeaderType(type: bigint): boolean {
  return type <= 0x7fn && (type & 0x10n) !== 0n && (type & 0x06n) !== 0x06n;
}

/** Classifies a unidirectional stream by its first vi64; unknown types are a PROTOCOL_VIOLATION. */
export function classifyStreamType(type: bigint): StreamKind {
  if (isSubgroupHeaderType(type)) return StreamKind.Subgroup;
  switch (type) {
    case StreamType.FetchHeader:
      return StreamKind.Fetch;
    case StreamType.Setup:
      return StreamKind.Control;
    case StreamType.PaddingStream:
      return StreamKind.Padding;
    default:
      protocolViolation(`unknown or invalid unidirectional stream type 0x${type.toString(16)}`);
  }
}
