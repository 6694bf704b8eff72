import { describe, expect, it } from "vitest";
import { createFakeTransportPair } from "../test-support/fake-web-transport.ts";
import { RAW_SETUP, within } from "../test-support/session-pair.ts";
import { encodeControlMessage } from "../wire/control-message.ts";
import { decodeSubgroupStream, type SubgroupStream } from "../wire/data/subgroup-stream.ts";
import { intPair } from "../wire/key-value-pair.ts";
import { messageParameters } from "../wire/message-parameters.ts";
import { MoqtMessageType } from "../wire/message-type.ts";
import { MoqtRequestError } from "./errors.ts";
import { PublishDoneCode, RequestErrorCode } from "./request-error-code.ts";
import { RequestStream } from "./request-stream.ts";
import { MoqtSession } from "./session.ts";
import { TrackWriter } from "./track-writer.ts";
import type { TransportBidirectionalStream } from "./web-transport.ts";

const NS = ["live", "demo"];
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A session against a hand-driven relay: the test reads the session's requests and data streams and answers them. */
async function rawRelay() {
  const [clientTransport, serverTransport] = createFakeTransportPair();
  const start = MoqtSession.start(clientTransport);
  await serverTransport.sendRawUnidirectional(encodeControlMessage(RAW_SETUP), false);
  const session = await within(start);
  const requests = serverTransport.incomingBidirectionalStreams.getReader();
  const uni = serverTransport.incomingUnidirectionalStreams.getReader();
  // The session's first unidirectional stream is its control stream (SETUP).
  await within(uni.read());
  return {
    session,
    serverTransport,
    async nextRequest() {
      const stream = new RequestStream((await within(requests.read())).value as TransportBidirectionalStream);
      return { stream, message: await within(stream.read()) };
    },
    /** The next subgroup stream the session opens, read to its FIN. */
    async nextSubgroupStream(): Promise<SubgroupStream> {
      const readable = (await within(uni.read())).value as ReadableStream<Uint8Array>;
      const reader = readable.getReader();
      const chunks: Uint8Array[] = [];
      for (let r = await within(reader.read()); !r.done; r = await within(reader.read())) chunks.push(r.value);
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let offset = 0;
      for (const c of chunks) {
        all.set(c, offset);
        offset += c.length;
      }
      return decodeSubgroupStream(all);
    },
  };
}

const publishOk = (forward: boolean | null = null) => ({
  type: MoqtMessageType.RequestOk,
  parameters: messageParameters({ forward }),
  trackProperties: [],
});

describe("PUBLISH", () => {
  it("pushes the track with its alias and priority; objects written before PUBLISH_OK are sent after it", async () => {
    const relay = await rawRelay();
    const track = new TrackWriter(NS, "video", { publisherPriority: 96 });
    const publishing = relay.session.publish(track);
    const { stream, message } = await relay.nextRequest();
    if (message?.type !== MoqtMessageType.Publish) throw new Error(`expected PUBLISH, got ${message?.type}`);
    expect(message.trackNamespace.map(text)).toEqual(NS);
    expect(text(message.trackName)).toBe("video");
    // Nothing published yet: no LARGEST_OBJECT (draft-19 "LARGEST OBJECT"), Forward omitted (1).
    expect(message.parameters.largestObject).toBeNull();
    expect(message.parameters.forward).toBeNull();
    expect(message.trackProperties).toEqual([intPair(0x0en, 96n)]);

    const group = track.openGroup(1_700_000_000_000n);
    group.write(bytes("key"));
    await stream.write(publishOk());
    await within(publishing);
    group.write(bytes("delta"));
    group.close();

    const sent = await relay.nextSubgroupStream();
    expect(sent.header).toMatchObject({ trackAlias: message.trackAlias, groupId: 1_700_000_000_000n, publisherPriority: 96 });
    expect(sent.objects.map((o) => [o.header.objectId, text(o.payload)])).toEqual([
      [0n, "key"],
      [1n, "delta"],
    ]);
    relay.session.close();
  });

  it("carries the largest location once objects exist, and only objects after it", async () => {
    const relay = await rawRelay();
    const track = new TrackWriter(NS, "audio");
    const group = track.openGroup(5n);
    group.write(bytes("5.0"));
    group.write(bytes("5.1"));
    const publishing = relay.session.publish(track);
    const { stream, message } = await relay.nextRequest();
    if (message?.type !== MoqtMessageType.Publish) throw new Error("expected PUBLISH");
    expect(message.parameters.largestObject).toEqual({ group: 5n, object: 1n });
    await stream.write(publishOk());
    await within(publishing);
    group.write(bytes("5.2"));
    group.close();
    const sent = await relay.nextSubgroupStream();
    expect(sent.objects.map((o) => text(o.payload))).toEqual(["5.2"]);
    relay.session.close();
  });

  it("rejects with the peer's REQUEST_ERROR; the track is still served to SUBSCRIBE through its namespace", async () => {
    const relay = await rawRelay();
    const track = new TrackWriter(NS, "video");
    const publishing = relay.session.publish(track).catch((e: unknown) => e);
    const { stream } = await relay.nextRequest();
    await stream.write(
      {
        type: MoqtMessageType.RequestError,
        errorCode: BigInt(RequestErrorCode.Uninterested),
        retryInterval: 0n,
        errorReason: "no",
        redirect: null,
      },
      true,
    );
    const error = await within(publishing);
    expect(error).toBeInstanceOf(MoqtRequestError);
    expect((error as MoqtRequestError).code).toBe(BigInt(RequestErrorCode.Uninterested));

    // The namespace, published after, serves the same TrackWriter.
    const announcing = relay.session.publishNamespace(NS, [track]);
    const announce = await relay.nextRequest();
    expect(announce.message?.type).toBe(MoqtMessageType.PublishNamespace);
    await announce.stream.write(publishOk());
    const published = await within(announcing);
    expect(published.getTrack("video")).toBe(track);
    relay.session.close();
  });

  it("holds objects while the peer's PUBLISH_OK says Forward 0, and sends from the update that sets it to 1", async () => {
    const relay = await rawRelay();
    const track = new TrackWriter(NS, "video");
    const publishing = relay.session.publish(track);
    const { stream, message } = await relay.nextRequest();
    if (message?.type !== MoqtMessageType.Publish) throw new Error("expected PUBLISH");
    await stream.write(publishOk(false));
    await within(publishing);
    track.openGroup(1n).write(bytes("held"));
    await stream.write({ type: MoqtMessageType.RequestUpdate, requestId: 1n, parameters: messageParameters({ forward: true }) });
    expect(await within(stream.read())).toMatchObject({
      type: MoqtMessageType.RequestOk,
      parameters: { largestObject: { group: 1n, object: 0n } },
    });
    track.openGroup(2n).write(bytes("sent"));
    track.close();
    const sent = await relay.nextSubgroupStream();
    expect(sent.header.groupId).toBe(2n);
    expect(sent.objects.map((o) => text(o.payload))).toEqual(["sent"]);
    relay.session.close();
  });

  it("ends with PUBLISH_DONE (Track Ended) when the track closes, and counts as a served subscription until then", async () => {
    const relay = await rawRelay();
    const track = new TrackWriter(NS, "catalog", { publisherPriority: 0 });
    const publishing = relay.session.publish(track);
    const { stream } = await relay.nextRequest();
    await stream.write(publishOk());
    await within(publishing);
    const group = track.openGroup(9n);
    group.write(bytes("{}"));
    expect(await relay.session.servedSubscriptionsEnded(0)).toBe(false);
    track.close();
    const sent = await relay.nextSubgroupStream();
    expect(sent.objects.map((o) => text(o.payload))).toEqual(["{}"]);
    expect(await within(stream.read())).toMatchObject({
      type: MoqtMessageType.PublishDone,
      statusCode: BigInt(PublishDoneCode.TrackEnded),
      streamCount: 1n,
    });
    expect(await within(relay.session.servedSubscriptionsEnded(1000))).toBe(true);
    relay.session.close();
  });

  it("refuses a closed track, and a namespace whose tracks are elsewhere", async () => {
    const relay = await rawRelay();
    const closed = new TrackWriter(NS, "video");
    closed.close();
    await expect(relay.session.publish(closed)).rejects.toThrow(/closed/);
    await expect(relay.session.publishNamespace(NS, [new TrackWriter(["live", "other"], "video")])).rejects.toThrow(/not in namespace/);
    relay.session.close();
  });
});
