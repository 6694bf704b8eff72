import type { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import { MoqtMessageType } from "../message-type.ts";
import { readTrackName, readTrackNamespace, type TrackNamespace, writeTrackName, writeTrackNamespace } from "../track-namespace.ts";

/** PUBLISH_SKIPPED (0xF). */
export interface PublishSkipped {
  readonly type: typeof MoqtMessageType.PublishSkipped;
  readonly trackNamespaceSuffix: TrackNamespace;
  readonly trackName: Uint8Array;
}

export function writePublishSkippedBody(writer: ByteWriter, m: PublishSkipped): void {
  writeTrackNamespace(writer, m.trackNamespaceSuffix);
  writeTrackName(writer, m.trackNamespaceSuffix, m.trackName);
}

export function readPublishSkippedBody(reader: ByteReader): PublishSkipped {
  const trackNamespaceSuffix = readTrackNamespace(reader);
  const trackName = readTrackName(reader, trackNamespaceSuffix);
  return { type: MoqtMessageType.PublishSkipped, trackNamespaceSuffix, trackName };
}
