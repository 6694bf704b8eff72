import type { MoqtErrorCode } from "./error-code.ts";
import { WireLimits } from "./limits.ts";
import type { Location } from "./location.ts";
import { NeedMoreError } from "./need-more.ts";
import { MoqtProtocolError, protocolViolation } from "./protocol-error.ts";
import { decodeVi64, decodeVi64Number } from "./vi64.ts";

/**
 * What running off the end means: on a stream, `"need-more"` (more bytes may come; throws NeedMoreError);
 * inside a length-bounded container, a protocol error with the given code.
 */
export type Truncation = "need-more" | MoqtErrorCode;

const utf8 = new TextDecoder("utf-8");
const utf8Fatal = new TextDecoder("utf-8", { fatal: true });

/** Cursor over a Uint8Array. Byte strings it returns are views into the input, not copies. */
export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly #truncation: Truncation;
  #position = 0;

  constructor(bytes: Uint8Array, truncation: Truncation) {
    this.#bytes = bytes;
    this.#truncation = truncation;
  }

  get position(): number {
    return this.#position;
  }

  get remaining(): number {
    return this.#bytes.length - this.#position;
  }

  get atEnd(): boolean {
    return this.#position >= this.#bytes.length;
  }

  #truncated(what: string): never {
    if (this.#truncation === "need-more") throw NeedMoreError.instance;
    throw new MoqtProtocolError(this.#truncation, `${what} runs past the end of its container`);
  }

  readVi64(): bigint {
    const decoded = decodeVi64(this.#bytes, this.#position);
    if (decoded === undefined) this.#truncated("vi64");
    this.#position += decoded.length;
    return decoded.value;
  }

  /** Reads a vi64 used as a length or count: rejects values above `max` with PROTOCOL_VIOLATION. */
  readLength(max: number, what: string): number {
    const decoded = decodeVi64Number(this.#bytes, this.#position);
    if (decoded === undefined) this.#truncated("vi64");
    if (decoded.value > max) protocolViolation(`${what} ${decoded.value} exceeds the maximum of ${max}`);
    this.#position += decoded.length;
    return decoded.value;
  }

  readU8(): number {
    const value = this.#bytes[this.#position];
    if (value === undefined) this.#truncated("byte field");
    this.#position++;
    return value;
  }

  readU16(): number {
    if (this.remaining < 2) this.#truncated("16-bit field");
    const value = ((this.#bytes[this.#position] as number) << 8) | (this.#bytes[this.#position + 1] as number);
    this.#position += 2;
    return value;
  }

  readBytes(length: number): Uint8Array {
    if (length > this.remaining) this.#truncated("byte string");
    const view = this.#bytes.subarray(this.#position, this.#position + length);
    this.#position += length;
    return view;
  }

  readLengthPrefixed(max: number, what: string): Uint8Array {
    return this.readBytes(this.readLength(max, `${what} length`));
  }

  readRest(): Uint8Array {
    return this.readBytes(this.remaining);
  }

  /** Reason Phrase (draft-19 "Reason Phrase Structure"): at most 1024 bytes of UTF-8 (decoded leniently; it is diagnostic only). */
  readReasonPhrase(): string {
    return utf8.decode(this.readLengthPrefixed(WireLimits.maxReasonPhraseLength, "Reason Phrase"));
  }

  readLocation(): Location {
    const group = this.readVi64();
    const object = this.readVi64();
    return { group, object };
  }

  expectEnd(what: string): void {
    if (!this.atEnd) protocolViolation(`${this.remaining} unexpected trailing bytes in ${what}`);
  }
}

export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** Strict UTF-8: invalid input is a protocol error with `code`. */
export function decodeUtf8Strict(bytes: Uint8Array, code: MoqtErrorCode, what: string): string {
  try {
    return utf8Fatal.decode(bytes);
  } catch {
    throw new MoqtProtocolError(code, `${what} is not valid UTF-8`);
  }
}
