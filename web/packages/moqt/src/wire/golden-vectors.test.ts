import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../test-support/hex.ts";
import { fromVectorJson, loadVectors, stripComputed, toVectorJson, type Vector } from "../test-support/vectors.ts";
import { ByteWriter } from "./byte-writer.ts";
import { type ControlMessage, decodeControlMessage, encodeControlMessage } from "./control-message.ts";
import { decodeFetchStream, encodeFetchStream, type FetchStream } from "./data/fetch-stream.ts";
import { decodeObjectDatagram, encodeObjectDatagram, type ObjectDatagram } from "./data/object-datagram.ts";
import { decodePaddingDatagram, decodePaddingStream, encodePaddingDatagram, encodePaddingStream, type Padding } from "./data/padding.ts";
import { decodeSubgroupStream, encodeSubgroupStream, type SubgroupStream } from "./data/subgroup-stream.ts";
import type { GroupOrder } from "./group-order.ts";
import { decodeVi64 } from "./vi64.ts";

interface Codec {
  decode(bytes: Uint8Array, fields: Record<string, unknown>): unknown;
  encode(model: unknown): Uint8Array;
}

const codecs: Record<string, Codec> = {
  vi64: {
    decode(bytes) {
      const decoded = decodeVi64(bytes, 0);
      if (decoded === undefined || decoded.length !== bytes.length) throw new Error("vi64 did not consume the vector");
      return { value: decoded.value };
    },
    encode(model) {
      const w = new ByteWriter();
      w.writeVi64((model as { value: bigint }).value);
      return w.finish();
    },
  },
  control: {
    decode: (bytes) => decodeControlMessage(bytes),
    encode: (model) => encodeControlMessage(model as ControlMessage),
  },
  subgroup_stream: {
    decode: (bytes) => decodeSubgroupStream(bytes),
    encode: (model) => encodeSubgroupStream(model as SubgroupStream),
  },
  fetch_stream: {
    decode: (bytes, fields) => decodeFetchStream(bytes, fields.groupOrder as GroupOrder),
    encode: (model) => encodeFetchStream(model as FetchStream),
  },
  datagram: {
    decode: (bytes) => decodeObjectDatagram(bytes),
    encode: (model) => encodeObjectDatagram(model as ObjectDatagram),
  },
  padding_stream: {
    decode: (bytes) => decodePaddingStream(bytes),
    encode: (model) => encodePaddingStream(model as Padding),
  },
  padding_datagram: {
    decode: (bytes) => decodePaddingDatagram(bytes),
    encode: (model) => encodePaddingDatagram(model as Padding),
  },
};

const vectors = loadVectors();

function codecFor(v: Vector): Codec {
  const codec = codecs[v.kind];
  if (codec === undefined) throw new Error(`no codec for vector kind ${v.kind}`);
  return codec;
}

describe("golden vectors (testdata/moqt-19/vectors.json)", () => {
  it("covers every kind in the file", () => {
    expect(vectors.length).toBeGreaterThan(100);
    for (const v of vectors) expect(Object.keys(codecs)).toContain(v.kind);
  });

  describe.each(vectors.map((v) => [v.name, v] as const))("%s", (_name, v) => {
    it("decode(hex) == fields", () => {
      const decoded = codecFor(v).decode(hexToBytes(v.hex), v.fields);
      expect(toVectorJson(decoded)).toEqual(stripComputed(v.fields));
    });

    if (v.decodeOnly !== true) {
      it("encode(fields) == hex", () => {
        const model = fromVectorJson(stripComputed(v.fields));
        expect(bytesToHex(codecFor(v).encode(model))).toBe(v.hex);
      });
      return;
    }

    // decodeOnly: a valid non-canonical encoding; the encoder must produce the shortest form instead.
    it("encode(fields) is a shorter canonical form that decodes to the same fields", () => {
      const encoded = codecFor(v).encode(fromVectorJson(stripComputed(v.fields)));
      expect(encoded.length).toBeLessThan(v.hex.length / 2);
      expect(toVectorJson(codecFor(v).decode(encoded, v.fields))).toEqual(stripComputed(v.fields));
    });
  });
});
