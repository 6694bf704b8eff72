import type { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import { MoqtMessageType } from "../message-type.ts";
import { readTrackNamespace, type TrackNamespace, writeTrackNamespace } from "../track-namespace.ts";

/** NAMESPACE (0x8): the namespace suffix after the subscribed prefix. */
export interface Namespace {
  readonly type: typeof MoqtMessageType.Namespace;
  readonly trackNamespaceSuffix: TrackNamespace;
}

export function writeNamespaceBody(writer: ByteWriter, m: Namespace): void {
  writeTrackNamespace(writer, m.trackNamespaceSuffix);
}

export function readNamespaceBody(reader: ByteReader): Namespace {
  return { type: MoqtMessageType.Namespace, trackNamespaceSuffix: readTrackNamespace(reader) };
}
