import type { Location } from "./location.ts";
import { vi64EncodedLength, writeVi64 } from "./vi64.ts";

const utf8 = new TextEncoder();

/** Growable big-endian writer. `finish()` returns a view of the written bytes. */
export class ByteWriter {
  #buffer: Uint8Array;
  #length = 0;

  constructor(initialCapacity = 64) {
    this.#buffer = new Uint8Array(Math.max(1, initialCapacity));
  }

  get length(): number {
    return this.#length;
  }

  #reserve(count: number): void {
    const needed = this.#length + count;
    if (needed <= this.#buffer.length) return;
    let capacity = this.#buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = next;
  }

  writeVi64(value: bigint | number, length = vi64EncodedLength(value)): void {
    this.#reserve(length);
    this.#length += writeVi64(this.#buffer, this.#length, value, length);
  }

  writeU8(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`byte value ${value} out of range`);
    this.#reserve(1);
    this.#buffer[this.#length++] = value;
  }

  writeU16(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new RangeError(`16-bit value ${value} out of range`);
    this.#reserve(2);
    this.#buffer[this.#length++] = value >> 8;
    this.#buffer[this.#length++] = value & 0xff;
  }

  /** Overwrites a 16-bit field written earlier (e.g. a control message Length). */
  patchU16(offset: number, value: number): void {
    if (offset + 2 > this.#length) throw new RangeError("patch outside the written bytes");
    this.#buffer[offset] = value >> 8;
    this.#buffer[offset + 1] = value & 0xff;
  }

  writeBytes(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  writeLengthPrefixed(bytes: Uint8Array): void {
    this.writeVi64(bytes.length);
    this.writeBytes(bytes);
  }

  writeString(value: string): void {
    this.writeLengthPrefixed(utf8.encode(value));
  }

  writeLocation(location: Location): void {
    this.writeVi64(location.group);
    this.writeVi64(location.object);
  }

  finish(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }
}

export function encodeUtf8(value: string): Uint8Array {
  return utf8.encode(value);
}
