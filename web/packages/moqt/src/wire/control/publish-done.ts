import type { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import { MoqtMessageType } from "../message-type.ts";
import { writeReasonPhrase } from "../reason-phrase.ts";

/** PUBLISH_DONE (0xB), draft-19 "PUBLISH_DONE". */
export interface PublishDone {
  readonly type: typeof MoqtMessageType.PublishDone;
  readonly statusCode: bigint;
  readonly streamCount: bigint;
  readonly errorReason: string;
}

export function writePublishDoneBody(writer: ByteWriter, m: PublishDone): void {
  writer.writeVi64(m.statusCode);
  writer.writeVi64(m.streamCount);
  writeReasonPhrase(writer, m.errorReason);
}

export function readPublishDoneBody(reader: ByteReader): PublishDone {
  const statusCode = reader.readVi64();
  const streamCount = reader.readVi64();
  const errorReason = reader.readReasonPhrase();
  return { type: MoqtMessageType.PublishDone, statusCode, streamCount, errorReason };
}
