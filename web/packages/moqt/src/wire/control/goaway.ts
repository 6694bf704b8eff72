import { type ByteReader, decodeUtf8 } from "../byte-reader.ts";
import { type ByteWriter, encodeUtf8 } from "../byte-writer.ts";
import { WireLimits } from "../limits.ts";
import { MoqtMessageType } from "../message-type.ts";

/** GOAWAY (0x10), draft-19 "GOAWAY". */
export interface GoAway {
  readonly type: typeof MoqtMessageType.GoAway;
  readonly newSessionUri: string;
  readonly timeout: bigint;
}

export function writeGoAwayBody(writer: ByteWriter, m: GoAway): void {
  const uri = encodeUtf8(m.newSessionUri);
  if (uri.length > WireLimits.maxGoAwayUriLength) throw new RangeError("the New Session URI is at most 8192 bytes");
  writer.writeLengthPrefixed(uri);
  writer.writeVi64(m.timeout);
}

export function readGoAwayBody(reader: ByteReader): GoAway {
  const newSessionUri = decodeUtf8(reader.readLengthPrefixed(WireLimits.maxGoAwayUriLength, "New Session URI"));
  const timeout = reader.readVi64();
  return { type: MoqtMessageType.GoAway, newSessionUri, timeout };
}
