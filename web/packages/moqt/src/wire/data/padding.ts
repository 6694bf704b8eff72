import { ByteReader } from "../byte-reader.ts";
import { ByteWriter } from "../byte-writer.ts";
import { MoqtErrorCode } from "../error-code.ts";
import { protocolViolation } from "../protocol-error.ts";
import { StreamType } from "./stream-type.ts";

/** A padding stream or datagram (draft-19 "Padding"): the type, then `paddingLength` zero bytes. */
export interface Padding {
  readonly paddingLength: number;
}

function encode(type: bigint, paddingLength: number): Uint8Array {
  const writer = new ByteWriter(8 + paddingLength);
  writer.writeVi64(type);
  writer.writeBytes(new Uint8Array(paddingLength));
  return writer.finish();
}

export function encodePaddingStream(p: Padding): Uint8Array {
  return encode(StreamType.PaddingStream, p.paddingLength);
}

export function encodePaddingDatagram(p: Padding): Uint8Array {
  return encode(StreamType.PaddingDatagram, p.paddingLength);
}

/** Reads the type and counts the padding. The receiver discards padding, so non-zero bytes are not rejected. */
function decode(type: bigint, bytes: Uint8Array, what: string): Padding {
  const reader = new ByteReader(bytes, MoqtErrorCode.ProtocolViolation);
  const actual = reader.readVi64();
  if (actual !== type) protocolViolation(`type 0x${actual.toString(16)} is not ${what}`);
  return { paddingLength: reader.remaining };
}

export function decodePaddingStream(bytes: Uint8Array): Padding {
  return decode(StreamType.PaddingStream, bytes, "a padding stream");
}

export function decodePaddingDatagram(bytes: Uint8Array): Padding {
  return decode(StreamType.PaddingDatagram, bytes, "a padding datagram");
}
