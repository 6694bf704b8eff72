import type { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import { type MessageParameters, readMessageParameters, writeMessageParameters } from "../message-parameters.ts";
import { MoqtMessageType } from "../message-type.ts";
import { readTrackNamespace, type TrackNamespace, writeTrackNamespace } from "../track-namespace.ts";

/** PUBLISH_NAMESPACE (0x6). */
export interface PublishNamespace {
  readonly type: typeof MoqtMessageType.PublishNamespace;
  readonly requestId: bigint;
  readonly trackNamespace: TrackNamespace;
  readonly parameters: MessageParameters;
}

export function writePublishNamespaceBody(writer: ByteWriter, m: PublishNamespace): void {
  writer.writeVi64(m.requestId);
  writeTrackNamespace(writer, m.trackNamespace);
  writeMessageParameters(writer, m.parameters);
}

export function readPublishNamespaceBody(reader: ByteReader): PublishNamespace {
  const requestId = reader.readVi64();
  const trackNamespace = readTrackNamespace(reader);
  const parameters = readMessageParameters(reader, MoqtMessageType.PublishNamespace);
  return { type: MoqtMessageType.PublishNamespace, requestId, trackNamespace, parameters };
}
