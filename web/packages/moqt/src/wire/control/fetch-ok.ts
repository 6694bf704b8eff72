import type { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import { type KeyValuePair, writeKeyValuePairs } from "../key-value-pair.ts";
import type { Location } from "../location.ts";
import { type MessageParameters, readMessageParameters, writeMessageParameters } from "../message-parameters.ts";
import { MoqtMessageType } from "../message-type.ts";
import { protocolViolation } from "../protocol-error.ts";
import { readTrackProperties } from "../track-properties.ts";

/** FETCH_OK (0x18). */
export interface FetchOk {
  readonly type: typeof MoqtMessageType.FetchOk;
  readonly endOfTrack: boolean;
  readonly endLocation: Location;
  readonly parameters: MessageParameters;
  readonly trackProperties: readonly KeyValuePair[];
}

export function writeFetchOkBody(writer: ByteWriter, m: FetchOk): void {
  writer.writeU8(m.endOfTrack ? 1 : 0);
  writer.writeLocation(m.endLocation);
  writeMessageParameters(writer, m.parameters);
  writeKeyValuePairs(writer, m.trackProperties);
}

export function readFetchOkBody(reader: ByteReader): FetchOk {
  const flag = reader.readU8();
  if (flag > 1) protocolViolation(`End Of Track ${flag} is not 0 or 1`);
  const endLocation = reader.readLocation();
  const parameters = readMessageParameters(reader, MoqtMessageType.FetchOk);
  const trackProperties = readTrackProperties(reader);
  return { type: MoqtMessageType.FetchOk, endOfTrack: flag === 1, endLocation, parameters, trackProperties };
}
