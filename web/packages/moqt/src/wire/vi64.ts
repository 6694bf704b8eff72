/**
 * vi64: draft-ietf-moq-transport-19 "Variable-Length Integers". The count of leading 1 bits in the first byte gives the length
 * (1..9 bytes); the remaining bits plus the following bytes hold the value, big-endian. Non-minimal encodings are valid.
 */
export const VI64_MAX_LENGTH = 9;
export const VI64_MAX = (1n << 64n) - 1n;

/** Length in bytes of an encoding, from its first byte. */
export function vi64LengthFromFirstByte(first: number): number {
  let length = 1;
  for (let mask = 0x80; mask !== 0 && (first & mask) !== 0; mask >>= 1) length++;
  return length;
}

/** Shortest encoded length of `value`. */
export function vi64EncodedLength(value: bigint | number): number {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`vi64 value ${value} is not a safe non-negative integer`);
    if (value < 0x80) return 1;
    if (value < 0x4000) return 2;
    if (value < 0x200000) return 3;
    if (value < 0x10000000) return 4;
    // Beyond 28 bits, 7 usable bits per byte.
    let length = 5;
    while (length < 8 && value >= 2 ** (7 * length)) length++;
    return length;
  }
  if (value < 0n || value > VI64_MAX) throw new RangeError(`vi64 value ${value} out of range`);
  if (value >= 1n << 56n) return 9;
  let length = 1;
  while (value >= 1n << BigInt(7 * length)) length++;
  return length;
}

/**
 * Decodes the vi64 at `offset`; returns undefined when fewer bytes than the encoding needs remain.
 * Values of up to 7 bytes (49 bits) decode with number arithmetic.
 */
export function decodeVi64(bytes: Uint8Array, offset: number): { value: bigint; length: number } | undefined {
  const first = bytes[offset];
  if (first === undefined) return undefined;
  const length = vi64LengthFromFirstByte(first);
  if (bytes.length - offset < length) return undefined;
  if (length <= 7) {
    let value = first & (0xff >> length);
    for (let i = 1; i < length; i++) value = value * 256 + (bytes[offset + i] as number);
    return { value: BigInt(value), length };
  }
  // 8- and 9-byte forms keep no value bits in the first byte.
  let value = 0n;
  for (let i = 1; i < length; i++) value = (value << 8n) | BigInt(bytes[offset + i] as number);
  return { value, length };
}

/** Number fast path: decodes a vi64 known to fit in 2^53 - 1, or returns undefined when truncated. Larger values give a lossy number above MAX_SAFE_INTEGER. */
export function decodeVi64Number(bytes: Uint8Array, offset: number): { value: number; length: number } | undefined {
  const first = bytes[offset];
  if (first === undefined) return undefined;
  const length = vi64LengthFromFirstByte(first);
  if (bytes.length - offset < length) return undefined;
  let value = length >= 8 ? 0 : first & (0xff >> length);
  for (let i = 1; i < length; i++) value = value * 256 + (bytes[offset + i] as number);
  return { value, length };
}

/** Writes `value` using exactly `length` bytes (default: shortest) at `offset`; returns the length. */
export function writeVi64(target: Uint8Array, offset: number, value: bigint | number, length = vi64EncodedLength(value)): number {
  if (length < 1 || length > VI64_MAX_LENGTH) throw new RangeError(`vi64 length ${length} is not 1..9`);
  if (typeof value === "number" && length <= 7) {
    // Number fast path: up to 49 value bits, exact in a double.
    if (!Number.isSafeInteger(value) || value < 0 || value >= 2 ** (7 * length)) {
      throw new RangeError(`vi64 value ${value} does not fit in ${length} bytes`);
    }
    if (target.length - offset < length) throw new RangeError("vi64 target too short");
    let rest = value;
    for (let i = length - 1; i >= 1; i--) {
      target[offset + i] = rest % 256;
      rest = Math.floor(rest / 256);
    }
    target[offset] = ((0xff00 >> (length - 1)) & 0xff) | rest;
    return length;
  }
  const big = BigInt(value);
  if (big < 0n || big > (length === 9 ? VI64_MAX : (1n << BigInt(7 * length)) - 1n)) {
    throw new RangeError(`vi64 value ${value} does not fit in ${length} bytes`);
  }
  if (target.length - offset < length) throw new RangeError("vi64 target too short");
  let rest = big;
  for (let i = length - 1; i >= 1; i--) {
    target[offset + i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  // length - 1 leading ones, then a zero, then the top value bits.
  const prefix = (0xff00 >> (length - 1)) & 0xff;
  target[offset] = prefix | Number(rest);
  return length;
}
