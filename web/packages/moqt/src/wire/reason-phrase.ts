import { type ByteWriter, encodeUtf8 } from "./byte-writer.ts";
import { WireLimits } from "./limits.ts";

/** §1.4.3 Reason Phrase: length-prefixed UTF-8, at most 1024 bytes. */
export function writeReasonPhrase(writer: ByteWriter, reason: string): void {
  const bytes = encodeUtf8(reason);
  if (bytes.length > WireLimits.maxReasonPhraseLength) throw new RangeError("a reason phrase is at most 1024 bytes of UTF-8");
  writer.writeLengthPrefixed(bytes);
}
