import type { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import { type MessageParameters, readMessageParameters, writeMessageParameters } from "../message-parameters.ts";
import { MoqtMessageType } from "../message-type.ts";

/** REQUEST_UPDATE (0x2). */
export interface RequestUpdate {
  readonly type: typeof MoqtMessageType.RequestUpdate;
  readonly requestId: bigint;
  readonly parameters: MessageParameters;
}

export function writeRequestUpdateBody(writer: ByteWriter, m: RequestUpdate): void {
  writer.writeVi64(m.requestId);
  writeMessageParameters(writer, m.parameters);
}

export function readRequestUpdateBody(reader: ByteReader): RequestUpdate {
  const requestId = reader.readVi64();
  const parameters = readMessageParameters(reader, MoqtMessageType.RequestUpdate);
  return { type: MoqtMessageType.RequestUpdate, requestId, parameters };
}
