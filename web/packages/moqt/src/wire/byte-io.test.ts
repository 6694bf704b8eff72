import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../test-support/hex.ts";
import { ByteReader } from "./byte-reader.ts";
import { ByteWriter } from "./byte-writer.ts";
import { MoqtErrorCode } from "./error-code.ts";
import { NeedMoreError } from "./need-more.ts";
import { MoqtProtocolError } from "./protocol-error.ts";

function protocolError(fn: () => unknown): MoqtProtocolError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MoqtProtocolError) return e;
    throw e;
  }
  throw new Error("expected a MoqtProtocolError");
}

describe("ByteWriter", () => {
  it("grows from a tiny buffer", () => {
    const w = new ByteWriter(1);
    for (let i = 0; i < 1000; i++) w.writeU8(i & 0xff);
    w.writeVi64(1n << 63n);
    expect(w.length).toBe(1009);
    expect(w.finish()[999]).toBe(999 & 0xff);
  });

  it("writes big-endian 16-bit fields and patches them", () => {
    const w = new ByteWriter();
    w.writeU16(0x1234);
    w.writeU16(0);
    w.patchU16(2, 0xabcd);
    expect(bytesToHex(w.finish())).toBe("1234abcd");
    expect(() => w.patchU16(3, 1)).toThrow(RangeError);
  });

  it("writes length-prefixed strings and locations", () => {
    const w = new ByteWriter();
    w.writeString("hé");
    w.writeLocation({ group: 1n, object: 200n });
    expect(bytesToHex(w.finish())).toBe("0368c3a90180c8");
  });

  it("rejects out-of-range integers", () => {
    const w = new ByteWriter();
    expect(() => w.writeU8(256)).toThrow(RangeError);
    expect(() => w.writeU16(-1)).toThrow(RangeError);
  });
});

describe("ByteReader", () => {
  it("signals need-more on a stream", () => {
    const r = new ByteReader(hexToBytes("80"), "need-more");
    expect(() => r.readVi64()).toThrow(NeedMoreError.instance);
    expect(() => new ByteReader(hexToBytes("01"), "need-more").readU16()).toThrow(NeedMoreError.instance);
    expect(() => new ByteReader(hexToBytes("0361"), "need-more").readLengthPrefixed(10, "x")).toThrow(NeedMoreError.instance);
  });

  it("turns truncation inside a bounded container into the container's error code", () => {
    expect(protocolError(() => new ByteReader(hexToBytes("80"), MoqtErrorCode.ProtocolViolation).readVi64()).code).toBe(
      MoqtErrorCode.ProtocolViolation,
    );
    expect(protocolError(() => new ByteReader(new Uint8Array(0), MoqtErrorCode.KeyValueFormattingError).readU8()).code).toBe(
      MoqtErrorCode.KeyValueFormattingError,
    );
  });

  it("rejects lengths above the limit before reading the bytes", () => {
    const e = protocolError(() => new ByteReader(hexToBytes("8401"), "need-more").readLengthPrefixed(1024, "Reason Phrase"));
    expect(e.code).toBe(MoqtErrorCode.ProtocolViolation);
    expect(e.reason).toContain("1025");
  });

  it("reads fields in order and reports trailing bytes", () => {
    const r = new ByteReader(hexToBytes("25bbbd12340268690102ff"), MoqtErrorCode.ProtocolViolation);
    expect(r.readVi64()).toBe(37n);
    expect(r.readVi64()).toBe(15293n);
    expect(r.readU16()).toBe(0x1234);
    expect(bytesToHex(r.readLengthPrefixed(10, "x"))).toBe("6869");
    expect(r.readLocation()).toEqual({ group: 1n, object: 2n });
    expect(r.remaining).toBe(1);
    expect(protocolError(() => r.expectEnd("test")).code).toBe(MoqtErrorCode.ProtocolViolation);
    expect(bytesToHex(r.readRest())).toBe("ff");
    expect(r.atEnd).toBe(true);
    r.expectEnd("test");
  });

  it("decodes reason phrases leniently as UTF-8", () => {
    expect(new ByteReader(hexToBytes("03627965"), "need-more").readReasonPhrase()).toBe("bye");
    expect(new ByteReader(hexToBytes("01ff"), "need-more").readReasonPhrase()).toBe("\ufffd");
  });
});
