import { ByteReader } from "./byte-reader.ts";
import type { ByteWriter } from "./byte-writer.ts";
import { MoqtErrorCode } from "./error-code.ts";
import { WireLimits } from "./limits.ts";
import { protocolViolation } from "./protocol-error.ts";
import { VI64_MAX } from "./vi64.ts";

/**
 * Key-Value-Pair (draft-19 "Key-Value-Pair Structure"). Even types carry a vi64 `value` (and empty `bytes`); odd types carry `bytes` (and `value` 0n).
 */
export interface KeyValuePair {
  readonly type: bigint;
  readonly value: bigint;
  readonly bytes: Uint8Array;
}

const EMPTY = new Uint8Array(0);

export function intPair(type: bigint, value: bigint): KeyValuePair {
  if ((type & 1n) !== 0n) throw new RangeError("odd Key-Value-Pair types carry bytes");
  return { type, value, bytes: EMPTY };
}

export function bytesPair(type: bigint, bytes: Uint8Array): KeyValuePair {
  if ((type & 1n) === 0n) throw new RangeError("even Key-Value-Pair types carry a vi64");
  if (bytes.length > WireLimits.maxKeyValueLength) throw new RangeError("a Key-Value-Pair value is at most 65535 bytes");
  return { type, value: 0n, bytes };
}

export function isBytesPair(pair: KeyValuePair): boolean {
  return (pair.type & 1n) === 1n;
}

/** Writes pairs with delta-encoded types; they must be in non-decreasing type order. */
export function writeKeyValuePairs(writer: ByteWriter, pairs: readonly KeyValuePair[]): void {
  let previous = 0n;
  for (const pair of pairs) {
    if (pair.type < previous) throw new RangeError("Key-Value-Pairs must be in non-decreasing type order");
    writer.writeVi64(pair.type - previous);
    if (isBytesPair(pair)) writer.writeLengthPrefixed(pair.bytes);
    else writer.writeVi64(pair.value);
    previous = pair.type;
  }
}

/** Reads pairs until the reader's end (Key-Value-Pairs are always parsed with a known byte length). */
export function readKeyValuePairsToEnd(reader: ByteReader): KeyValuePair[] {
  const pairs: KeyValuePair[] = [];
  let previous = 0n;
  while (!reader.atEnd) {
    const delta = reader.readVi64();
    if (delta > VI64_MAX - previous) protocolViolation("Key-Value-Pair Delta Type overflows 2^64 - 1");
    const type = previous + delta;
    previous = type;
    if ((type & 1n) === 0n) {
      pairs.push({ type, value: reader.readVi64(), bytes: EMPTY });
    } else {
      const length = reader.readLength(WireLimits.maxKeyValueLength, "Key-Value-Pair length");
      pairs.push({ type, value: 0n, bytes: reader.readBytes(length) });
    }
  }
  return pairs;
}

/** Parses a bounded block of Key-Value-Pairs. */
export function parseKeyValuePairs(block: Uint8Array): KeyValuePair[] {
  return readKeyValuePairsToEnd(new ByteReader(block, MoqtErrorCode.ProtocolViolation));
}
