import type { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import { type MessageParameters, readMessageParameters, writeMessageParameters } from "../message-parameters.ts";
import { MoqtMessageType } from "../message-type.ts";
import { readTrackName, readTrackNamespace, type TrackNamespace, writeTrackName, writeTrackNamespace } from "../track-namespace.ts";

/** TRACK_STATUS (0xD), draft-19 "TRACK_STATUS": the SUBSCRIBE layout. */
export interface TrackStatus {
  readonly type: typeof MoqtMessageType.TrackStatus;
  readonly requestId: bigint;
  readonly trackNamespace: TrackNamespace;
  readonly trackName: Uint8Array;
  readonly parameters: MessageParameters;
}

export function writeTrackStatusBody(writer: ByteWriter, m: TrackStatus): void {
  writer.writeVi64(m.requestId);
  writeTrackNamespace(writer, m.trackNamespace);
  writeTrackName(writer, m.trackNamespace, m.trackName);
  writeMessageParameters(writer, m.parameters);
}

export function readTrackStatusBody(reader: ByteReader): TrackStatus {
  const requestId = reader.readVi64();
  const trackNamespace = readTrackNamespace(reader);
  const trackName = readTrackName(reader, trackNamespace);
  const parameters = readMessageParameters(reader, MoqtMessageType.TrackStatus);
  return { type: MoqtMessageType.TrackStatus, requestId, trackNamespace, trackName, parameters };
}
