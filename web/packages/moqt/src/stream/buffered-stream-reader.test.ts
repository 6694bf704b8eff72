import { describe, expect, it } from "vitest";
import { expectProtocolError } from "../test-support/errors.ts";
import { bytesToHex, hexToBytes } from "../test-support/hex.ts";
import { Prng } from "../test-support/prng.ts";
import { loadVectors } from "../test-support/vectors.ts";
import { type ControlMessage, decodeControlMessage, encodeControlMessage } from "../wire/control-message.ts";
import { tryReadSubgroupHeader } from "../wire/data/subgroup-header.ts";
import { tryReadSubgroupObject } from "../wire/data/subgroup-object.ts";
import { decodeSubgroupStream } from "../wire/data/subgroup-stream.ts";
import { MoqtErrorCode } from "../wire/error-code.ts";
import { MoqtMessageType } from "../wire/message-type.ts";
import { NEED_MORE } from "../wire/need-more.ts";
import { BufferedStreamReader } from "./buffered-stream-reader.ts";

/** An in-memory stream delivering `bytes` in the given chunk sizes (the last chunk takes the rest). */
function streamOf(bytes: Uint8Array, sizes: readonly number[]): ReadableStream<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const size of sizes) {
    if (offset >= bytes.length) break;
    chunks.push(bytes.slice(offset, offset + size));
    offset += size;
  }
  if (offset < bytes.length) chunks.push(bytes.slice(offset));
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks.shift();
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
  });
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const controlVectors = loadVectors().filter((v) => v.kind === "control");
const controlBytes = concat(controlVectors.map((v) => hexToBytes(v.hex)));
const expected = controlVectors.map((v) => decodeControlMessage(hexToBytes(v.hex)));

async function readAll(reader: BufferedStreamReader): Promise<ControlMessage[]> {
  const out: ControlMessage[] = [];
  for (let m = await reader.readControlMessage(); m !== undefined; m = await reader.readControlMessage()) out.push(m);
  return out;
}

describe("BufferedStreamReader", () => {
  it("reads every control vector back-to-back from one chunk", async () => {
    expect(await readAll(new BufferedStreamReader(streamOf(controlBytes, [controlBytes.length])))).toEqual(expected);
  });

  it("reads them one byte at a time", async () => {
    const reader = new BufferedStreamReader(streamOf(controlBytes, new Array<number>(controlBytes.length).fill(1)));
    expect(await readAll(reader)).toEqual(expected);
    expect(await reader.atEnd()).toBe(true);
  });

  it("reads them across random chunk boundaries (seeded)", async () => {
    const rng = new Prng(42);
    for (let run = 0; run < 50; run++) {
      const sizes = Array.from({ length: 200 }, () => 1 + rng.below(40));
      expect(await readAll(new BufferedStreamReader(streamOf(controlBytes, sizes)))).toEqual(expected);
    }
  });

  it("keeps returned views intact while it keeps buffering", async () => {
    const payload = new Uint8Array(3000).map((_, i) => i & 0xff);
    const message: ControlMessage = {
      type: MoqtMessageType.PublishSkipped,
      trackNamespaceSuffix: [hexToBytes("61")],
      trackName: payload,
    };
    const bytes = concat([encodeControlMessage(message), encodeControlMessage(message), encodeControlMessage(message)]);
    const messages = await readAll(new BufferedStreamReader(streamOf(bytes, [1000, 7, 2000, 5000])));
    expect(messages).toHaveLength(3);
    for (const m of messages) expect(m.type === MoqtMessageType.PublishSkipped && bytesToHex(m.trackName)).toBe(bytesToHex(payload));
  });

  it("reads a subgroup stream: header then objects, every split point", async () => {
    for (const v of loadVectors()
      .filter((x) => x.kind === "subgroup_stream")
      .slice(0, 5)) {
      const bytes = hexToBytes(v.hex);
      const whole = decodeSubgroupStream(bytes);
      for (let split = 1; split < bytes.length; split++) {
        const reader = new BufferedStreamReader(streamOf(bytes, [split]));
        const header = await reader.read((b) => {
          const r = tryReadSubgroupHeader(b);
          return r === NEED_MORE ? NEED_MORE : { value: r.header, bytesRead: r.bytesRead };
        });
        if (header === undefined) throw new Error("no header");
        const objects = [];
        let previous: bigint | null = null;
        for (;;) {
          const prior = previous;
          const o = await reader.read((b) => {
            const r = tryReadSubgroupObject(b, header, prior);
            return r === NEED_MORE ? NEED_MORE : { value: r.object, bytesRead: r.bytesRead };
          });
          if (o === undefined) break;
          objects.push(o);
          previous = o.header.objectId;
        }
        expect({ header, objects }).toEqual(whole);
      }
    }
  });

  it("returns undefined on an empty stream", async () => {
    const reader = new BufferedStreamReader(streamOf(new Uint8Array(0), []));
    expect(await reader.readControlMessage()).toBeUndefined();
    expect(await reader.atEnd()).toBe(true);
  });

  it("reports a stream that ends inside a message as PROTOCOL_VIOLATION", async () => {
    const reader = new BufferedStreamReader(streamOf(controlBytes.subarray(0, 10), [3]));
    const error = await reader.readControlMessage().catch((e: unknown) => e);
    expectProtocolError(() => {
      throw error;
    }, MoqtErrorCode.ProtocolViolation);
  });

  it("propagates malformed input as MoqtProtocolError", async () => {
    const reader = new BufferedStreamReader(streamOf(hexToBytes("0100ff"), [1]));
    const error = await reader.readControlMessage().catch((e: unknown) => e);
    expectProtocolError(() => {
      throw error;
    }, MoqtErrorCode.ProtocolViolation);
  });

  it("bounds the bytes buffered for one unit", async () => {
    // A SUBGROUP object announcing a 256 KiB payload, with a 64 KiB cap.
    const header = hexToBytes("10010580");
    const bytes = concat([header, hexToBytes("00" + "c40000"), new Uint8Array(100_000)]);
    const reader = new BufferedStreamReader(streamOf(bytes, [1000, 20_000, 50_000]), { maxBuffered: 65_536 });
    const h = await reader.read((b) => {
      const r = tryReadSubgroupHeader(b);
      return r === NEED_MORE ? NEED_MORE : { value: r.header, bytesRead: r.bytesRead };
    });
    if (h === undefined) throw new Error("no header");
    await expect(
      reader.read((b) => {
        const r = tryReadSubgroupObject(b, h, null);
        return r === NEED_MORE ? NEED_MORE : { value: r.object, bytesRead: r.bytesRead };
      }),
    ).rejects.toThrow(RangeError);
  });

  it("cancels the underlying stream", async () => {
    let cancelled: unknown;
    const stream = new ReadableStream<Uint8Array>({
      pull() {},
      cancel(reason) {
        cancelled = reason;
      },
    });
    const reader = new BufferedStreamReader(stream);
    await reader.cancel("stop");
    expect(cancelled).toBe("stop");
  });
});
