import { describe, expect, it } from "vitest";
import { hexToBytes } from "../test-support/hex.ts";
import { Prng } from "../test-support/prng.ts";
import { loadVectors } from "../test-support/vectors.ts";
import { decodeControlMessage, encodeControlMessage, tryReadControlMessage } from "./control-message.ts";
import { tryReadFetchHeader } from "./data/fetch-header.ts";
import { tryReadFetchObject } from "./data/fetch-object.ts";
import { decodeFetchStream } from "./data/fetch-stream.ts";
import { createFetchStreamState } from "./data/fetch-stream-state.ts";
import { decodeObjectDatagram, encodeObjectDatagram } from "./data/object-datagram.ts";
import { decodePaddingDatagram, decodePaddingStream } from "./data/padding.ts";
import { tryReadSubgroupHeader } from "./data/subgroup-header.ts";
import { tryReadSubgroupObject } from "./data/subgroup-object.ts";
import { decodeSubgroupStream } from "./data/subgroup-stream.ts";
import { GroupOrder } from "./group-order.ts";
import { NEED_MORE } from "./need-more.ts";
import { MoqtProtocolError } from "./protocol-error.ts";

const ITERATIONS = 25_000;
const SEED = 0x5eed_0019;

const corpus = loadVectors().map((v) => hexToBytes(v.hex));

/** Interesting bytes: vi64 length prefixes, max values, zero, common types. */
const SPECIAL = [
  0x00, 0x01, 0x3f, 0x40, 0x7f, 0x80, 0xbf, 0xc0, 0xdf, 0xe0, 0xef, 0xf0, 0xf7, 0xf8, 0xfc, 0xfe, 0xff, 0x2f, 0x05, 0x10, 0x14, 0x8c,
];

function mutate(rng: Prng, input: Uint8Array): Uint8Array {
  const bytes = [...input];
  const rounds = 1 + rng.below(4);
  for (let r = 0; r < rounds; r++) {
    const at = bytes.length === 0 ? 0 : rng.below(bytes.length);
    switch (rng.below(8)) {
      case 0:
        if (bytes.length > 0) bytes[at] = (bytes[at] as number) ^ (1 << rng.below(8));
        break;
      case 1:
        if (bytes.length > 0) bytes[at] = rng.below(256);
        break;
      case 2:
        if (bytes.length > 0) bytes[at] = rng.pick(SPECIAL);
        break;
      case 3:
        bytes.splice(at, 0, rng.below(256));
        break;
      case 4:
        bytes.splice(at, 1 + rng.below(3));
        break;
      case 5:
        bytes.length = rng.below(bytes.length + 1);
        break;
      case 6:
        for (let i = rng.below(8); i > 0; i--) bytes.push(rng.below(256));
        break;
      default: {
        const other = rng.pick(corpus);
        const from = rng.below(other.length + 1);
        bytes.splice(at, 0, ...other.subarray(from, from + rng.below(16)));
      }
    }
  }
  return new Uint8Array(bytes);
}

/** Runs `decode`; only success, NEED_MORE or MoqtProtocolError are acceptable. Returns the value or undefined. */
function guarded<T>(decode: () => T, stats: { errors: number; ok: number }): T | undefined {
  try {
    const value = decode();
    stats.ok++;
    return value;
  } catch (e) {
    if (e instanceof MoqtProtocolError) {
      stats.errors++;
      return undefined;
    }
    throw e;
  }
}

function readSubgroupIncrementally(bytes: Uint8Array): void {
  const h = tryReadSubgroupHeader(bytes);
  if (h === NEED_MORE) return;
  let offset = h.bytesRead;
  let previous: bigint | null = null;
  while (offset < bytes.length) {
    const o = tryReadSubgroupObject(bytes.subarray(offset), h.header, previous);
    if (o === NEED_MORE) return;
    if (o.bytesRead <= 0) throw new Error("no progress");
    previous = o.object.header.objectId;
    offset += o.bytesRead;
  }
}

function readFetchIncrementally(bytes: Uint8Array, order: GroupOrder): void {
  const h = tryReadFetchHeader(bytes);
  if (h === NEED_MORE) return;
  const state = createFetchStreamState(order);
  let offset = h.bytesRead;
  while (offset < bytes.length) {
    const o = tryReadFetchObject(bytes.subarray(offset), state);
    if (o === NEED_MORE) return;
    if (o.bytesRead <= 0) throw new Error("no progress");
    offset += o.bytesRead;
  }
}

describe("fuzz: mutated vectors", () => {
  it(`${ITERATIONS} mutated inputs (seed 0x${SEED.toString(16)}) give only a value, NEED_MORE or MoqtProtocolError`, () => {
    const rng = new Prng(SEED);
    const stats = { errors: 0, ok: 0 };
    let reencoded = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const input = mutate(rng, rng.pick(corpus));
      try {
        const control = guarded(() => tryReadControlMessage(input), stats);
        if (control !== undefined && control !== NEED_MORE) {
          // Whatever decodes must re-encode to something that decodes to the same message.
          expect(decodeControlMessage(encodeControlMessage(control.message))).toEqual(control.message);
          reencoded++;
        }
        guarded(() => readSubgroupIncrementally(input), stats);
        guarded(() => decodeSubgroupStream(input), stats);
        guarded(() => readFetchIncrementally(input, GroupOrder.Ascending), stats);
        guarded(() => readFetchIncrementally(input, GroupOrder.Descending), stats);
        guarded(() => decodeFetchStream(input, GroupOrder.Ascending), stats);
        const datagram = guarded(() => decodeObjectDatagram(input), stats);
        if (datagram) {
          expect(decodeObjectDatagram(encodeObjectDatagram(datagram))).toEqual(datagram);
          reencoded++;
        }
        guarded(() => decodePaddingStream(input), stats);
        guarded(() => decodePaddingDatagram(input), stats);
      } catch (e) {
        throw new Error(`input ${i} (${Buffer.from(input).toString("hex")}): ${String(e)}`, { cause: e });
      }
    }
    // The corpus and mutations must exercise both outcomes, and some inputs must still decode.
    expect(stats.errors).toBeGreaterThan(ITERATIONS);
    expect(stats.ok).toBeGreaterThan(ITERATIONS);
    expect(reencoded).toBeGreaterThan(1000);
  }, 120_000);
});
