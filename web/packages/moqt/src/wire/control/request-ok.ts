import type { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import { type KeyValuePair, writeKeyValuePairs } from "../key-value-pair.ts";
import { type MessageParameters, readMessageParameters, writeMessageParameters } from "../message-parameters.ts";
import { MoqtMessageType } from "../message-type.ts";
import { readTrackProperties } from "../track-properties.ts";

/** REQUEST_OK (0x7). */
export interface RequestOk {
  readonly type: typeof MoqtMessageType.RequestOk;
  readonly parameters: MessageParameters;
  readonly trackProperties: readonly KeyValuePair[];
}

export function writeRequestOkBody(writer: ByteWriter, m: RequestOk): void {
  writeMessageParameters(writer, m.parameters);
  writeKeyValuePairs(writer, m.trackProperties);
}

export function readRequestOkBody(reader: ByteReader): RequestOk {
  const parameters = readMessageParameters(reader, MoqtMessageType.RequestOk);
  const trackProperties = readTrackProperties(reader);
  return { type: MoqtMessageType.RequestOk, parameters, trackProperties };
}
