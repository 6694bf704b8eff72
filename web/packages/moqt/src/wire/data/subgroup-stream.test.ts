import { describe, expect, it } from "vitest";
import { expectProtocolError } from "../../test-support/errors.ts";
import { hexToBytes } from "../../test-support/hex.ts";
import { loadVectors } from "../../test-support/vectors.ts";
import { ByteWriter } from "../byte-writer.ts";
import { MoqtErrorCode } from "../error-code.ts";
import { intPair } from "../key-value-pair.ts";
import { NEED_MORE } from "../need-more.ts";
import { VI64_MAX } from "../vi64.ts";
import { ObjectStatus } from "./object-status.ts";
import { type SubgroupHeader, SubgroupIdMode, subgroupStreamType, tryReadSubgroupHeader, writeSubgroupHeader } from "./subgroup-header.ts";
import { type SubgroupObject, tryReadSubgroupObject, writeSubgroupObject } from "./subgroup-object.ts";
import { decodeSubgroupStream, encodeSubgroupStream, type SubgroupStream } from "./subgroup-stream.ts";

const PV = MoqtErrorCode.ProtocolViolation;
const BIG = (1n << 62n) + 7n;

function header(init: Partial<SubgroupHeader> = {}): SubgroupHeader {
  return {
    trackAlias: 1n,
    groupId: 2n,
    subgroupIdMode: SubgroupIdMode.Explicit,
    subgroupId: 3n,
    publisherPriority: 128,
    hasProperties: false,
    endOfGroup: false,
    firstObject: false,
    ...init,
  };
}

function object(objectId: bigint, payloadHex: string, init: Partial<SubgroupObject["header"]> = {}): SubgroupObject {
  const payload = hexToBytes(payloadHex);
  return { header: { objectId, properties: [], payloadLength: BigInt(payload.length), status: ObjectStatus.Normal, ...init }, payload };
}

/** Reads a stream incrementally from `bytes`, as a receiver would: header, then objects until the end. */
function readIncrementally(bytes: Uint8Array): SubgroupStream | typeof NEED_MORE {
  const h = tryReadSubgroupHeader(bytes);
  if (h === NEED_MORE) return NEED_MORE;
  let offset = h.bytesRead;
  const objects: SubgroupObject[] = [];
  let previous: bigint | null = null;
  while (offset < bytes.length) {
    const o = tryReadSubgroupObject(bytes.subarray(offset), h.header, previous);
    if (o === NEED_MORE) return NEED_MORE;
    objects.push(o.object);
    previous = o.object.header.objectId;
    offset += o.bytesRead;
  }
  return { header: h.header, objects };
}

describe("subgroup streams", () => {
  it("maps every valid header type to its flags and back", () => {
    let valid = 0;
    for (let type = 0; type < 0x80; type++) {
      const bytes = new Uint8Array([type, 0x01, 0x02, 0x03, 0x04]);
      const isValid = (type & 0x10) !== 0 && (type & 0x06) !== 0x06;
      if (!isValid) {
        expectProtocolError(() => tryReadSubgroupHeader(bytes), PV);
        continue;
      }
      valid++;
      const read = tryReadSubgroupHeader(bytes);
      if (read === NEED_MORE) throw new Error(`type 0x${type.toString(16)} needs more`);
      expect(subgroupStreamType(read.header)).toBe(type);
    }
    expect(valid).toBe(48);
  });

  it("rejects stream types above 0x7f", () => {
    expectProtocolError(() => tryReadSubgroupHeader(hexToBytes("809001020304")), PV);
  });

  it("round-trips large IDs, properties and statuses", () => {
    const stream: SubgroupStream = {
      header: header({ trackAlias: BIG, groupId: VI64_MAX, subgroupId: BIG, hasProperties: true, publisherPriority: null }),
      objects: [
        object(BIG, "0102", { properties: [{ type: 0x0bn, value: 0n, bytes: hexToBytes("abcd") }, intPair(0x3cn, 1n)] }),
        object(BIG + 1n, ""),
        object(BIG + 100n, "ff"),
        object(VI64_MAX, "", { status: ObjectStatus.EndOfTrack }),
      ],
    };
    const bytes = encodeSubgroupStream(stream);
    expect(decodeSubgroupStream(bytes)).toEqual(stream);
    expect(readIncrementally(bytes)).toEqual(stream);
  });

  it("every proper prefix of each vector is NEED_MORE for the incremental reader", () => {
    for (const v of loadVectors().filter((x) => x.kind === "subgroup_stream")) {
      const bytes = hexToBytes(v.hex);
      const whole = readIncrementally(bytes);
      expect(whole).not.toBe(NEED_MORE);
      // A prefix ending exactly between objects is a complete (shorter) stream; any other cut needs more.
      const boundaries = new Set<number>();
      const h = tryReadSubgroupHeader(bytes);
      if (h === NEED_MORE) throw new Error("header");
      let offset = h.bytesRead;
      boundaries.add(offset);
      let previous: bigint | null = null;
      while (offset < bytes.length) {
        const o = tryReadSubgroupObject(bytes.subarray(offset), h.header, previous);
        if (o === NEED_MORE) throw new Error("object");
        previous = o.object.header.objectId;
        offset += o.bytesRead;
        boundaries.add(offset);
      }
      for (let cut = 0; cut < bytes.length; cut++) {
        const result = readIncrementally(bytes.subarray(0, cut));
        if (boundaries.has(cut)) expect(result).not.toBe(NEED_MORE);
        else expect(result, `${v.name} cut at ${cut}`).toBe(NEED_MORE);
        // A finished stream (FIN) that stops mid-object is malformed.
        if (!boundaries.has(cut)) expectProtocolError(() => decodeSubgroupStream(bytes.subarray(0, cut)), PV);
      }
    }
  });

  it("rejects unknown Object Status values", () => {
    // 0x10: alias 1, group 5, priority 0x80; object delta 0, length 0, status 5.
    expectProtocolError(() => decodeSubgroupStream(hexToBytes("1001058000" + "0005")), PV);
  });

  it("rejects properties on an object whose status is not Normal", () => {
    // 0x11: PROPERTIES; properties length 2 {0x3c: 1}; payload length 0; status End of Group.
    expectProtocolError(() => decodeSubgroupStream(hexToBytes("110105800002" + "3c01" + "0003")), PV);
  });

  it("accepts an empty properties block", () => {
    const s = decodeSubgroupStream(hexToBytes("110105800000" + "0161"));
    expect(s.objects[0]?.header.properties).toEqual([]);
  });

  it("rejects Object IDs past 2^64 - 1", () => {
    const h = header({ subgroupIdMode: SubgroupIdMode.Zero, subgroupId: 0n });
    const w = new ByteWriter();
    writeSubgroupHeader(w, h);
    writeSubgroupObject(w, h, null, object(VI64_MAX, "61"));
    w.writeVi64(0); // delta 0 → 2^64: overflow
    w.writeVi64(1);
    w.writeU8(0x62);
    expectProtocolError(() => decodeSubgroupStream(w.finish()), PV);
  });

  it("rejects encoder misuse", () => {
    const h = header();
    const w = new ByteWriter();
    expect(() => writeSubgroupHeader(w, header({ subgroupIdMode: SubgroupIdMode.Zero, subgroupId: 1n }))).toThrow(RangeError);
    expect(() => writeSubgroupObject(w, h, 5n, object(5n, "61"))).toThrow(RangeError);
    expect(() => writeSubgroupObject(w, h, null, object(0n, "61", { status: ObjectStatus.EndOfGroup }))).toThrow(RangeError);
    expect(() => writeSubgroupObject(w, h, null, object(0n, "61", { properties: [intPair(2n, 1n)] }))).toThrow(RangeError);
    expect(() => writeSubgroupObject(w, h, null, object(0n, "61", { payloadLength: 2n }))).toThrow(RangeError);
  });
});
