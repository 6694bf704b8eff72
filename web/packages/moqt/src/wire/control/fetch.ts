import type { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import type { Location } from "../location.ts";
import { type MessageParameters, readMessageParameters, writeMessageParameters } from "../message-parameters.ts";
import { MoqtMessageType } from "../message-type.ts";
import { protocolViolation } from "../protocol-error.ts";
import { readTrackName, readTrackNamespace, type TrackNamespace, writeTrackName, writeTrackNamespace } from "../track-namespace.ts";

/** FETCH types (draft-19 "FETCH"). */
export const FetchType = {
  Standalone: 0x1,
  RelativeJoining: 0x2,
  AbsoluteJoining: 0x3,
} as const;
export type FetchType = (typeof FetchType)[keyof typeof FetchType];

/**
 * FETCH (0x16). Standalone fetches use trackNamespace/trackName/startLocation/endLocation; joining fetches use
 * joiningRequestId/joiningStart (and carry null namespace, empty name and zero locations).
 */
export interface Fetch {
  readonly type: typeof MoqtMessageType.Fetch;
  readonly requestId: bigint;
  readonly fetchType: FetchType;
  readonly trackNamespace: TrackNamespace | null;
  readonly trackName: Uint8Array;
  readonly startLocation: Location;
  readonly endLocation: Location;
  readonly joiningRequestId: bigint;
  readonly joiningStart: bigint;
  readonly parameters: MessageParameters;
}

const ZERO: Location = { group: 0n, object: 0n };

export function writeFetchBody(writer: ByteWriter, m: Fetch): void {
  writer.writeVi64(m.requestId);
  writer.writeVi64(m.fetchType);
  if (m.fetchType === FetchType.Standalone) {
    if (m.trackNamespace === null) throw new RangeError("a standalone FETCH needs a Track Namespace");
    writeTrackNamespace(writer, m.trackNamespace);
    writeTrackName(writer, m.trackNamespace, m.trackName);
    writer.writeLocation(m.startLocation);
    writer.writeLocation(m.endLocation);
  } else {
    writer.writeVi64(m.joiningRequestId);
    writer.writeVi64(m.joiningStart);
  }
  writeMessageParameters(writer, m.parameters);
}

export function readFetchBody(reader: ByteReader): Fetch {
  const requestId = reader.readVi64();
  const rawType = reader.readVi64();
  let fields: Omit<Fetch, "type" | "requestId" | "parameters">;
  if (rawType === 1n) {
    const trackNamespace = readTrackNamespace(reader);
    const trackName = readTrackName(reader, trackNamespace);
    const startLocation = reader.readLocation();
    const endLocation = reader.readLocation();
    fields = {
      fetchType: FetchType.Standalone,
      trackNamespace,
      trackName,
      startLocation,
      endLocation,
      joiningRequestId: 0n,
      joiningStart: 0n,
    };
  } else if (rawType === 2n || rawType === 3n) {
    const joiningRequestId = reader.readVi64();
    const joiningStart = reader.readVi64();
    fields = {
      fetchType: Number(rawType) as FetchType,
      trackNamespace: null,
      trackName: new Uint8Array(0),
      startLocation: ZERO,
      endLocation: ZERO,
      joiningRequestId,
      joiningStart,
    };
  } else {
    protocolViolation(`unknown Fetch Type ${rawType}`);
  }
  const parameters = readMessageParameters(reader, MoqtMessageType.Fetch);
  return { type: MoqtMessageType.Fetch, requestId, ...fields, parameters };
}
