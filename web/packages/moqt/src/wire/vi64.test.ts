import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../test-support/hex.ts";
import { decodeVi64, decodeVi64Number, VI64_MAX, vi64EncodedLength, vi64LengthFromFirstByte, writeVi64 } from "./vi64.ts";

function encode(value: bigint | number, length?: number): Uint8Array {
  const out = new Uint8Array(9);
  const n = length === undefined ? writeVi64(out, 0, value) : writeVi64(out, 0, value, length);
  return out.subarray(0, n);
}

describe("vi64", () => {
  // Largest value per length: 7 usable bits per byte up to 8 bytes, 64 bits in 9.
  const maxima = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => (1n << BigInt(7 * n)) - 1n);

  it.each(maxima.map((max, i) => [i + 1, max] as const))("length %i holds up to %s", (length, max) => {
    expect(vi64EncodedLength(max)).toBe(length);
    expect(vi64EncodedLength(max + 1n)).toBe(length + 1);
    for (const value of [max, max + 1n]) {
      const bytes = encode(value);
      expect(decodeVi64(bytes, 0)).toEqual({ value, length: bytes.length });
    }
  });

  it("encodes 2^64 - 1 in nine bytes", () => {
    expect(bytesToHex(encode(VI64_MAX))).toBe("ffffffffffffffffff");
    expect(decodeVi64(hexToBytes("ffffffffffffffffff"), 0)?.value).toBe(VI64_MAX);
  });

  it("number and bigint encoders agree", () => {
    for (const n of [0, 1, 127, 128, 16383, 16384, 2 ** 21, 2 ** 28, 2 ** 35 - 1, 2 ** 42, 2 ** 49 - 1, 2 ** 49, Number.MAX_SAFE_INTEGER]) {
      expect(vi64EncodedLength(n)).toBe(vi64EncodedLength(BigInt(n)));
      expect(bytesToHex(encode(n))).toBe(bytesToHex(encode(BigInt(n))));
      expect(decodeVi64Number(encode(n), 0)?.value).toBe(n);
    }
  });

  it("decodes non-minimal encodings (draft-19 §Variable-Length Integers: 0 as 0x00, 0x8000, 0xc00000)", () => {
    for (let length = 1; length <= 9; length++) {
      const bytes = encode(37, length);
      expect(bytes.length).toBe(length);
      expect(decodeVi64(bytes, 0)).toEqual({ value: 37n, length });
    }
    expect(decodeVi64(hexToBytes("8000"), 0)?.value).toBe(0n);
    expect(decodeVi64(hexToBytes("c00000"), 0)?.value).toBe(0n);
  });

  it("reports truncation as undefined", () => {
    expect(decodeVi64(new Uint8Array(0), 0)).toBeUndefined();
    const bytes = encode(1n << 60n);
    for (let cut = 0; cut < bytes.length; cut++) expect(decodeVi64(bytes.subarray(0, cut), 0)).toBeUndefined();
    expect(decodeVi64Number(hexToBytes("c000"), 0)).toBeUndefined();
  });

  it("reads at an offset", () => {
    expect(decodeVi64(hexToBytes("ff25bbbd"), 1)).toEqual({ value: 37n, length: 1 });
    expect(decodeVi64(hexToBytes("ff25bbbd"), 2)).toEqual({ value: 15293n, length: 2 });
  });

  it("gets the length from the first byte", () => {
    expect([0x00, 0x7f, 0x80, 0xbf, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc, 0xfe, 0xff].map(vi64LengthFromFirstByte)).toEqual([
      1, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });

  it("rejects values that do not fit", () => {
    expect(() => encode(128, 1)).toThrow(RangeError);
    expect(() => encode(-1)).toThrow(RangeError);
    expect(() => encode(VI64_MAX + 1n)).toThrow(RangeError);
    expect(() => encode(2 ** 53)).toThrow(RangeError);
    expect(() => encode(1.5)).toThrow(RangeError);
    expect(() => writeVi64(new Uint8Array(1), 0, 300)).toThrow(RangeError);
  });

  it("round-trips pseudo-random values of every length", () => {
    let x = 0x9e3779b97f4a7c15n;
    for (let i = 0; i < 2000; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) & VI64_MAX;
      const value = x >> BigInt(i % 64);
      const bytes = encode(value);
      expect(decodeVi64(bytes, 0)).toEqual({ value, length: vi64EncodedLength(value) });
      if (value <= BigInt(Number.MAX_SAFE_INTEGER)) expect(decodeVi64Number(bytes, 0)?.value).toBe(Number(value));
    }
  });
});
