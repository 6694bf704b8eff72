import type { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import { type MessageParameters, readMessageParameters, writeMessageParameters } from "../message-parameters.ts";
import { MoqtMessageType } from "../message-type.ts";
import { readTrackNamespace, type TrackNamespace, writeTrackNamespace } from "../track-namespace.ts";

/** SUBSCRIBE_NAMESPACE (0x50). */
export interface SubscribeNamespace {
  readonly type: typeof MoqtMessageType.SubscribeNamespace;
  readonly requestId: bigint;
  readonly trackNamespacePrefix: TrackNamespace;
  readonly parameters: MessageParameters;
}

export function writeSubscribeNamespaceBody(writer: ByteWriter, m: SubscribeNamespace): void {
  writer.writeVi64(m.requestId);
  writeTrackNamespace(writer, m.trackNamespacePrefix);
  writeMessageParameters(writer, m.parameters);
}

export function readSubscribeNamespaceBody(reader: ByteReader): SubscribeNamespace {
  const requestId = reader.readVi64();
  const trackNamespacePrefix = readTrackNamespace(reader);
  const parameters = readMessageParameters(reader, MoqtMessageType.SubscribeNamespace);
  return { type: MoqtMessageType.SubscribeNamespace, requestId, trackNamespacePrefix, parameters };
}
