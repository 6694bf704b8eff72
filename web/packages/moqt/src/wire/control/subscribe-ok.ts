import type { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import { type KeyValuePair, writeKeyValuePairs } from "../key-value-pair.ts";
import { type MessageParameters, readMessageParameters, writeMessageParameters } from "../message-parameters.ts";
import { MoqtMessageType } from "../message-type.ts";
import { readTrackProperties } from "../track-properties.ts";

/** SUBSCRIBE_OK (0x4), draft-19 "SUBSCRIBE_OK". Track Properties fill the rest of the message. */
export interface SubscribeOk {
  readonly type: typeof MoqtMessageType.SubscribeOk;
  readonly trackAlias: bigint;
  readonly parameters: MessageParameters;
  readonly trackProperties: readonly KeyValuePair[];
}

export function writeSubscribeOkBody(writer: ByteWriter, m: SubscribeOk): void {
  writer.writeVi64(m.trackAlias);
  writeMessageParameters(writer, m.parameters);
  writeKeyValuePairs(writer, m.trackProperties);
}

export function readSubscribeOkBody(reader: ByteReader): SubscribeOk {
  const trackAlias = reader.readVi64();
  const parameters = readMessageParameters(reader, MoqtMessageType.SubscribeOk);
  const trackProperties = readTrackProperties(reader);
  return { type: MoqtMessageType.SubscribeOk, trackAlias, parameters, trackProperties };
}
