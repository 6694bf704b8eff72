import type { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import { type MessageParameters, readMessageParameters, writeMessageParameters } from "../message-parameters.ts";
import { MoqtMessageType } from "../message-type.ts";
import { readTrackNamespace, type TrackNamespace, writeTrackNamespace } from "../track-namespace.ts";

/** SUBSCRIBE_TRACKS (0x51). */
export interface SubscribeTracks {
  readonly type: typeof MoqtMessageType.SubscribeTracks;
  readonly requestId: bigint;
  readonly trackNamespacePrefix: TrackNamespace;
  readonly parameters: MessageParameters;
}

export function writeSubscribeTracksBody(writer: ByteWriter, m: SubscribeTracks): void {
  writer.writeVi64(m.requestId);
  writeTrackNamespace(writer, m.trackNamespacePrefix);
  writeMessageParameters(writer, m.parameters);
}

export function readSubscribeTracksBody(reader: ByteReader): SubscribeTracks {
  const requestId = reader.readVi64();
  const trackNamespacePrefix = readTrackNamespace(reader);
  const parameters = readMessageParameters(reader, MoqtMessageType.SubscribeTracks);
  return { type: MoqtMessageType.SubscribeTracks, requestId, trackNamespacePrefix, parameters };
}
