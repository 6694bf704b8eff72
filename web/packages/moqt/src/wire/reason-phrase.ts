import { type ByteWriter, encodeUtf8 } from "./byte-writer.ts";
import { WireLimits } from "./limits.ts";

/** Reason Phrase (draft-19 "Reason Phrase Structure"): length-prefixed UTF-8, at most 1024 bytes. */
export function writeReasonPhrase(writer: ByteWriter, reason: string): void {
  const bytes = encodeUtf8(reason);
  if (bytes.length > WireLimits.maxReasonPhraseLength) throw new RangeError("a reason phrase is at most 1024 bytes of UTF-8");
  writer.writeLengthPrefixed(bytes);
}
