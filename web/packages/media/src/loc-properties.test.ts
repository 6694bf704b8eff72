import { decodeSubgroupStream, encodeSubgroupStream, intPair, ObjectStatus, SubgroupIdMode } from "@moqlive/moqt";
import { describe, expect, it } from "vitest";
import { decodeLocProperties, encodeLocProperties, LocProperty, LocPropertyError } from "./loc-properties.ts";

describe("LOC properties", () => {
  it("round-trip TIMESTAMP and VIDEO_CONFIG through a subgroup stream", () => {
    const timestampUs = 1_764_000_000_123_456n;
    const videoConfig = new Uint8Array([1, 2, 3, 4]);
    const payload = new Uint8Array([9, 9]);
    const bytes = encodeSubgroupStream({
      header: {
        trackAlias: 1n,
        groupId: 1_764_000_000_000n,
        subgroupIdMode: SubgroupIdMode.Zero,
        subgroupId: 0n,
        publisherPriority: 128,
        hasProperties: true,
        endOfGroup: false,
        firstObject: true,
      },
      objects: [
        {
          header: {
            objectId: 0n,
            properties: encodeLocProperties({ timestampUs, videoConfig }),
            payloadLength: 2n,
            status: ObjectStatus.Normal,
          },
          payload,
        },
        {
          header: {
            objectId: 1n,
            properties: encodeLocProperties({ timestampUs: timestampUs + 33_333n }),
            payloadLength: 2n,
            status: ObjectStatus.Normal,
          },
          payload,
        },
      ],
    });
    const [first, second] = decodeSubgroupStream(bytes).objects;
    expect(decodeLocProperties(first?.header.properties ?? [])).toEqual({ timestampUs, videoConfig });
    expect(decodeLocProperties(second?.header.properties ?? [])).toEqual({ timestampUs: timestampUs + 33_333n });
  });

  it("uses the LOC property types", () => {
    const pairs = encodeLocProperties({ timestampUs: 5n, videoConfig: new Uint8Array([1]) });
    expect(pairs.map((p) => p.type)).toEqual([0x0dn, 0x10n]);
    expect(pairs[1]?.value).toBe(5n);
  });

  it("ignores unknown properties", () => {
    expect(decodeLocProperties([intPair(0x02n, 7n), intPair(LocProperty.timestamp, 42n), intPair(0x20n, 1n)])).toEqual({
      timestampUs: 42n,
    });
  });

  it("rejects objects without or with two timestamps", () => {
    expect(() => decodeLocProperties([])).toThrow(LocPropertyError);
    expect(() => decodeLocProperties([intPair(0x10n, 1n), intPair(0x10n, 2n)])).toThrow(/twice/);
  });
});
