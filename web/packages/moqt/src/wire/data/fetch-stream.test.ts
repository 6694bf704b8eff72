import { describe, expect, it } from "vitest";
import { expectProtocolError } from "../../test-support/errors.ts";
import { bytesToHex, hexToBytes } from "../../test-support/hex.ts";
import { loadVectors } from "../../test-support/vectors.ts";
import { ByteWriter } from "../byte-writer.ts";
import { MoqtErrorCode } from "../error-code.ts";
import { GroupOrder } from "../group-order.ts";
import { intPair } from "../key-value-pair.ts";
import { NEED_MORE } from "../need-more.ts";
import { VI64_MAX } from "../vi64.ts";
import { tryReadFetchHeader } from "./fetch-header.ts";
import { type FetchObject, FetchObjectKind, tryReadFetchObject, writeFetchObject } from "./fetch-object.ts";
import { decodeFetchStream, encodeFetchStream, type FetchStream } from "./fetch-stream.ts";
import { createFetchStreamState } from "./fetch-stream-state.ts";

const PV = MoqtErrorCode.ProtocolViolation;
const BIG = (1n << 55n) + 3n;

function obj(group: bigint, object: bigint, subgroupId: bigint | null, publisherPriority: number, payloadHex = "61"): FetchObject {
  const payload = hexToBytes(payloadHex);
  return {
    header: {
      kind: FetchObjectKind.Object,
      location: { group, object },
      subgroupId,
      publisherPriority,
      properties: [],
      payloadLength: BigInt(payload.length),
    },
    payload,
  };
}

function endOfRange(group: bigint, object: bigint, unknown: boolean): FetchObject {
  return {
    header: {
      kind: unknown ? FetchObjectKind.EndOfUnknownRange : FetchObjectKind.EndOfNonExistentRange,
      location: { group, object },
      subgroupId: null,
      publisherPriority: 0,
      properties: [],
      payloadLength: 0n,
    },
    payload: new Uint8Array(0),
  };
}

function readIncrementally(bytes: Uint8Array, groupOrder: GroupOrder): FetchStream | typeof NEED_MORE {
  const h = tryReadFetchHeader(bytes);
  if (h === NEED_MORE) return NEED_MORE;
  const state = createFetchStreamState(groupOrder);
  const entries: FetchObject[] = [];
  let offset = h.bytesRead;
  while (offset < bytes.length) {
    const before = { ...state };
    const o = tryReadFetchObject(bytes.subarray(offset), state);
    if (o === NEED_MORE) {
      expect(state).toEqual(before); // NEED_MORE leaves the prior-object state untouched
      return NEED_MORE;
    }
    entries.push(o.object);
    offset += o.bytesRead;
  }
  return { header: h.header, groupOrder, entries };
}

describe("FETCH streams", () => {
  it("round-trips every subgroup encoding, gaps, ranges and both group orders", () => {
    const ascending: FetchStream = {
      header: { requestId: BIG },
      groupOrder: GroupOrder.Ascending,
      entries: [
        obj(BIG, 0n, 0n, 1),
        obj(BIG, 1n, 0n, 1), // subgroup 0, object +1, same priority
        obj(BIG, 5n, 0n, 2), // object delta, new priority
        obj(BIG, 6n, 1n, 2), // prior subgroup + 1
        obj(BIG, 7n, 1n, 2), // prior subgroup
        obj(BIG, 8n, 9n, 2), // explicit subgroup
        obj(BIG, 9n, null, 2), // datagram
        endOfRange(BIG + 2n, 4n, false),
        obj(BIG + 2n, 5n, 9n, 2), // after End of Range: prior subgroup/priority are from the last object
        endOfRange(BIG + 4n, 0n, true),
        obj(VI64_MAX - 1n, 0n, BIG, 255, ""),
        obj(VI64_MAX, VI64_MAX, BIG + 1n, 0),
      ],
    };
    const descending: FetchStream = {
      header: { requestId: 0n },
      groupOrder: GroupOrder.Descending,
      entries: [obj(10n, 3n, 0n, 5), obj(10n, 4n, 0n, 5), obj(9n, 0n, 0n, 5), obj(0n, 5n, 2n, 5), obj(0n, 6n, 2n, 5)],
    };
    for (const stream of [ascending, descending]) {
      const bytes = encodeFetchStream(stream);
      expect(decodeFetchStream(bytes, stream.groupOrder)).toEqual(stream);
      expect(readIncrementally(bytes, stream.groupOrder)).toEqual(stream);
    }
  });

  it("uses properties when present", () => {
    const withProps: FetchObject = {
      header: { ...obj(1n, 1n, 0n, 1).header, properties: [intPair(0x3cn, 2n)] },
      payload: hexToBytes("61"),
    };
    const stream: FetchStream = { header: { requestId: 1n }, groupOrder: GroupOrder.Ascending, entries: [withProps] };
    const bytes = encodeFetchStream(stream);
    expect(bytesToHex(bytes)).toBe("0501" + "3c" + "01" + "01" + "01" + "02" + "3c02" + "01" + "61");
    expect(decodeFetchStream(bytes, GroupOrder.Ascending)).toEqual(stream);
  });

  it("every cut inside an entry of each vector is NEED_MORE and leaves the state alone", () => {
    for (const v of loadVectors().filter((x) => x.kind === "fetch_stream")) {
      const bytes = hexToBytes(v.hex);
      const order = v.fields.groupOrder as GroupOrder;
      const whole = decodeFetchStream(bytes, order);
      const boundaries = new Set<number>([2]);
      let length = 0;
      const w = new ByteWriter();
      const state = createFetchStreamState(order);
      w.writeVi64(5);
      w.writeVi64(whole.header.requestId);
      length = w.length;
      boundaries.add(length);
      for (const e of whole.entries) {
        writeFetchObject(w, state, e);
        boundaries.add(w.length);
      }
      expect(bytesToHex(w.finish())).toBe(v.hex);
      for (let cut = 0; cut < bytes.length; cut++) {
        const result = readIncrementally(bytes.subarray(0, cut), order);
        if (boundaries.has(cut)) expect(result).not.toBe(NEED_MORE);
        else expect(result, `${v.name} cut at ${cut}`).toBe(NEED_MORE);
      }
    }
  });

  it.each([
    ["not a FETCH_HEADER", "0601", GroupOrder.Ascending],
    ["first object without Group ID", "0501" + "04" + "00" + "80" + "00", GroupOrder.Ascending],
    ["first object without Object ID", "0501" + "08" + "00" + "80" + "00", GroupOrder.Ascending],
    ["first object referencing the prior subgroup", "0501" + "1d" + "00" + "00" + "80" + "00", GroupOrder.Ascending],
    ["first object referencing the prior priority", "0501" + "0c" + "00" + "00" + "00", GroupOrder.Ascending],
    ["prior subgroup after only an End of Range", "0501" + "808c" + "01" + "00" + "00" + "01" + "00", GroupOrder.Ascending],
    ["serialization flags above 0x7f", "0501" + "8080" + "00", GroupOrder.Ascending],
    ["End of Range with a payload length", "0501" + "808c" + "01" + "00" + "01", GroupOrder.Ascending],
    ["descending Group ID below 0", "0501" + "1c" + "01" + "00" + "80" + "00" + "08" + "01" + "00", GroupOrder.Descending],
    [
      "ascending Group ID above 2^64 - 1",
      "0501" + "1c" + "fffffffffffffffffe" + "00" + "80" + "00" + "08" + "01" + "00",
      GroupOrder.Ascending,
    ],
    ["Object ID above 2^64 - 1", "0501" + "1c" + "00" + "ffffffffffffffffff" + "80" + "00" + "00" + "00", GroupOrder.Ascending],
    ["stream ends inside an entry", "0501" + "1c" + "00", GroupOrder.Ascending],
  ] as const)("rejects %s", (_name, hex, order) => {
    expectProtocolError(() => decodeFetchStream(hexToBytes(hex), order), PV);
  });

  it("rejects writes that break the group order", () => {
    const state = createFetchStreamState(GroupOrder.Ascending);
    const w = new ByteWriter();
    writeFetchObject(w, state, obj(5n, 0n, 0n, 1));
    expect(() => writeFetchObject(w, state, obj(4n, 0n, 0n, 1))).toThrow(RangeError);
    expect(() => writeFetchObject(w, state, obj(5n, 0n, 0n, 1))).toThrow(RangeError);
    const down = createFetchStreamState(GroupOrder.Descending);
    writeFetchObject(w, down, obj(5n, 0n, 0n, 1));
    expect(() => writeFetchObject(w, down, obj(6n, 0n, 0n, 1))).toThrow(RangeError);
  });
});
