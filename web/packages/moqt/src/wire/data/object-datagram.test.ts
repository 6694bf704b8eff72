import { describe, expect, it } from "vitest";
import { expectProtocolError } from "../../test-support/errors.ts";
import { hexToBytes } from "../../test-support/hex.ts";
import { MoqtErrorCode } from "../error-code.ts";
import { intPair } from "../key-value-pair.ts";
import { VI64_MAX } from "../vi64.ts";
import {
  decodeObjectDatagram,
  encodeObjectDatagram,
  isObjectDatagramType,
  type ObjectDatagram,
  objectDatagramType,
} from "./object-datagram.ts";
import { ObjectStatus } from "./object-status.ts";
import { decodePaddingDatagram, decodePaddingStream, encodePaddingDatagram, encodePaddingStream } from "./padding.ts";
import { classifyStreamType, StreamKind } from "./stream-type.ts";

const PV = MoqtErrorCode.ProtocolViolation;

function datagram(init: Partial<ObjectDatagram> = {}): ObjectDatagram {
  return {
    trackAlias: 1n,
    groupId: 2n,
    objectId: 3n,
    publisherPriority: 4,
    properties: [],
    endOfGroup: false,
    status: null,
    payload: hexToBytes("6869"),
    ...init,
  };
}

describe("OBJECT_DATAGRAM", () => {
  it("accepts exactly the draft-19 types", () => {
    const valid: number[] = [];
    for (let t = 0; t < 0x40; t++) if (isObjectDatagramType(BigInt(t))) valid.push(t);
    expect(valid).toEqual([...Array(16).keys(), 0x20, 0x21, 0x24, 0x25, 0x28, 0x29, 0x2c, 0x2d]);
  });

  it.each([0x10, 0x22, 0x23, 0x2e, 0x2f, 0x30, 0x40])("rejects type 0x%s", (type) => {
    expectProtocolError(() => decodeObjectDatagram(new Uint8Array([type, 1, 2, 3, 4, 5])), PV);
  });

  it("round-trips every flag combination with large values", () => {
    for (const properties of [[], [intPair(0x3cn, VI64_MAX)]]) {
      for (const endOfGroup of [false, true]) {
        for (const objectId of [0n, VI64_MAX]) {
          for (const publisherPriority of [null, 0, 255]) {
            for (const status of [null, ObjectStatus.Normal, ObjectStatus.EndOfGroup, ObjectStatus.EndOfTrack]) {
              if (status !== null && (endOfGroup || (properties.length > 0 && status !== ObjectStatus.Normal))) continue;
              const d = datagram({
                trackAlias: VI64_MAX,
                groupId: 1n << 60n,
                objectId,
                publisherPriority,
                properties,
                endOfGroup,
                status,
                payload: status === null ? hexToBytes("00ff") : new Uint8Array(0),
              });
              const bytes = encodeObjectDatagram(d);
              expect(bytes[0]).toBe(objectDatagramType(d));
              expect(decodeObjectDatagram(bytes)).toEqual(d);
            }
          }
        }
      }
    }
  });

  it("carries an empty payload", () => {
    expect(decodeObjectDatagram(encodeObjectDatagram(datagram({ payload: new Uint8Array(0) })))?.payload.length).toBe(0);
  });

  it.each([
    ["PROPERTIES with Properties Length 0", "01" + "0102" + "03" + "04" + "00" + "61"],
    ["properties running past the datagram", "01" + "0102" + "03" + "04" + "05" + "3c01"],
    ["properties on a non-Normal status", "21" + "0102" + "03" + "04" + "02" + "3c01" + "03"],
    ["unknown status", "20" + "0102" + "03" + "04" + "01"],
    ["bytes after the status", "20" + "0102" + "03" + "04" + "03" + "00"],
    ["a header that ends early", "00" + "0102"],
    ["an empty datagram", ""],
  ])("rejects %s", (_name, hex) => {
    expectProtocolError(() => decodeObjectDatagram(hexToBytes(hex)), PV);
  });

  it("rejects encoder misuse", () => {
    expect(() => encodeObjectDatagram(datagram({ status: ObjectStatus.Normal }))).toThrow(RangeError);
    expect(() => encodeObjectDatagram(datagram({ status: ObjectStatus.EndOfTrack, payload: new Uint8Array(0), endOfGroup: true }))).toThrow(
      RangeError,
    );
    expect(() =>
      encodeObjectDatagram(datagram({ status: ObjectStatus.EndOfTrack, payload: new Uint8Array(0), properties: [intPair(2n, 1n)] })),
    ).toThrow(RangeError);
  });
});

describe("padding", () => {
  it("round-trips streams and datagrams; a padding datagram decodes to null as an object datagram", () => {
    expect(decodePaddingStream(encodePaddingStream({ paddingLength: 100 }))).toEqual({ paddingLength: 100 });
    const d = encodePaddingDatagram({ paddingLength: 0 });
    expect(decodePaddingDatagram(d)).toEqual({ paddingLength: 0 });
    expect(decodeObjectDatagram(d)).toBeNull();
    expectProtocolError(() => decodePaddingStream(d), PV);
  });
});

describe("stream types", () => {
  it("classifies unidirectional streams", () => {
    expect(classifyStreamType(0x14n)).toBe(StreamKind.Subgroup);
    expect(classifyStreamType(0x05n)).toBe(StreamKind.Fetch);
    expect(classifyStreamType(0x2f00n)).toBe(StreamKind.Control);
    expect(classifyStreamType(0x132b3e28n)).toBe(StreamKind.Padding);
    for (const t of [0x00n, 0x16n, 0x132b3e29n, 0x80n]) expectProtocolError(() => classifyStreamType(t), PV);
  });
});
