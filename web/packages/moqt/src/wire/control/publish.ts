import type { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import { type KeyValuePair, writeKeyValuePairs } from "../key-value-pair.ts";
import { type MessageParameters, readMessageParameters, writeMessageParameters } from "../message-parameters.ts";
import { MoqtMessageType } from "../message-type.ts";
import { readTrackName, readTrackNamespace, type TrackNamespace, writeTrackName, writeTrackNamespace } from "../track-namespace.ts";
import { readTrackProperties } from "../track-properties.ts";

/** PUBLISH (0x1D), draft-19 "PUBLISH". */
export interface Publish {
  readonly type: typeof MoqtMessageType.Publish;
  readonly requestId: bigint;
  readonly trackNamespace: TrackNamespace;
  readonly trackName: Uint8Array;
  readonly trackAlias: bigint;
  readonly parameters: MessageParameters;
  readonly trackProperties: readonly KeyValuePair[];
}

export function writePublishBody(writer: ByteWriter, m: Publish): void {
  writer.writeVi64(m.requestId);
  writeTrackNamespace(writer, m.trackNamespace);
  writeTrackName(writer, m.trackNamespace, m.trackName);
  writer.writeVi64(m.trackAlias);
  writeMessageParameters(writer, m.parameters);
  writeKeyValuePairs(writer, m.trackProperties);
}

export function readPublishBody(reader: ByteReader): Publish {
  const requestId = reader.readVi64();
  const trackNamespace = readTrackNamespace(reader);
  const trackName = readTrackName(reader, trackNamespace);
  const trackAlias = reader.readVi64();
  const parameters = readMessageParameters(reader, MoqtMessageType.Publish);
  const trackProperties = readTrackProperties(reader);
  return { type: MoqtMessageType.Publish, requestId, trackNamespace, trackName, trackAlias, parameters, trackProperties };
}
