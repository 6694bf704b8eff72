import type { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import { type MessageParameters, readMessageParameters, writeMessageParameters } from "../message-parameters.ts";
import { MoqtMessageType } from "../message-type.ts";
import { readTrackName, readTrackNamespace, type TrackNamespace, writeTrackName, writeTrackNamespace } from "../track-namespace.ts";

/** SUBSCRIBE (0x3), draft-19 "SUBSCRIBE". */
export interface Subscribe {
  readonly type: typeof MoqtMessageType.Subscribe;
  readonly requestId: bigint;
  readonly trackNamespace: TrackNamespace;
  readonly trackName: Uint8Array;
  readonly parameters: MessageParameters;
}

export function writeSubscribeBody(writer: ByteWriter, m: Subscribe): void {
  writer.writeVi64(m.requestId);
  writeTrackNamespace(writer, m.trackNamespace);
  writeTrackName(writer, m.trackNamespace, m.trackName);
  writeMessageParameters(writer, m.parameters);
}

export function readSubscribeBody(reader: ByteReader): Subscribe {
  const requestId = reader.readVi64();
  const trackNamespace = readTrackNamespace(reader);
  const trackName = readTrackName(reader, trackNamespace);
  const parameters = readMessageParameters(reader, MoqtMessageType.Subscribe);
  return { type: MoqtMessageType.Subscribe, requestId, trackNamespace, trackName, parameters };
}
