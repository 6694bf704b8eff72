import type { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import { MoqtMessageType } from "../message-type.ts";
import { readTrackNamespace, type TrackNamespace, writeTrackNamespace } from "../track-namespace.ts";

/** NAMESPACE_DONE (0xE): the namespace suffix after the subscribed prefix. */
export interface NamespaceDone {
  readonly type: typeof MoqtMessageType.NamespaceDone;
  readonly trackNamespaceSuffix: TrackNamespace;
}

export function writeNamespaceDoneBody(writer: ByteWriter, m: NamespaceDone): void {
  writeTrackNamespace(writer, m.trackNamespaceSuffix);
}

export function readNamespaceDoneBody(reader: ByteReader): NamespaceDone {
  return { type: MoqtMessageType.NamespaceDone, trackNamespaceSuffix: readTrackNamespace(reader) };
}
