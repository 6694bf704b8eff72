import type { ByteReader } from "../byte-reader.ts";
import { ByteWriter } from "../byte-writer.ts";
import { type KeyValuePair, parseKeyValuePairs, writeKeyValuePairs } from "../key-value-pair.ts";

/** Object Properties: Properties Length (vi64) then Key-Value-Pairs (draft-19 "Object Properties"). */
export function writeObjectProperties(writer: ByteWriter, properties: readonly KeyValuePair[]): void {
  const inner = new ByteWriter();
  writeKeyValuePairs(inner, properties);
  writer.writeLengthPrefixed(inner.finish());
}

/** Reads Object Properties. In "need-more" readers a truncated block asks for more bytes; the pairs inside are bounded. */
export function readObjectProperties(reader: ByteReader): KeyValuePair[] {
  const length = reader.readLength(Number.MAX_SAFE_INTEGER, "Properties Length");
  const block = reader.readBytes(length);
  return block.length === 0 ? [] : parseKeyValuePairs(block);
}
