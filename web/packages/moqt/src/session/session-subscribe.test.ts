import { describe, expect, it } from "vitest";
import { startSessionPair, take, within } from "../test-support/session-pair.ts";
import { encodeObjectDatagram } from "../wire/data/object-datagram.ts";
import { bytesPair, intPair } from "../wire/key-value-pair.ts";
import { MoqtRequestError } from "./errors.ts";
import { bytesProperty, intProperty } from "./moqt-object.ts";
import { PublishDoneCode, RequestErrorCode } from "./request-error-code.ts";

const NS = ["live", "demo"];
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function publisherPair() {
  const pair = await startSessionPair();
  const published = await within(pair.client.publishNamespace(NS));
  const track = published.createTrack("video", { publisherPriority: 96 });
  return { ...pair, published, track };
}

describe("SUBSCRIBE", () => {
  it("delivers objects with properties and payloads from subgroup streams", async () => {
    const { client, server, track } = await publisherPair();
    const sub = await within(server.subscribe(NS, "video"));
    expect(sub.largest).toBeNull();
    expect(sub.trackProperties).toEqual([intPair(0x0en, 96n)]);
    for (let g = 0n; g < 3n; g++) {
      const group = track.openGroup(1_700_000_000_000n + g);
      for (let i = 0; i < 3; i++) {
        group.write(bytes(`g${g}o${i}`), { properties: [bytesPair(0x0dn, bytes("cfg")), intPair(0x10n, 1000n * g + BigInt(i))] });
      }
      group.close();
    }
    const objects = await take(sub.objects, 9);
    expect(objects.map((o) => text(o.payload)).sort()).toEqual(
      ["g0o0", "g0o1", "g0o2", "g1o0", "g1o1", "g1o2", "g2o0", "g2o1", "g2o2"].sort(),
    );
    const g1 = objects.filter((o) => o.group === 1_700_000_000_001n);
    expect(g1.map((o) => o.id)).toEqual([0n, 1n, 2n]);
    expect(g1.every((o) => o.publisherPriority === 96 && o.subgroup === 0n && !o.datagram)).toBe(true);
    expect(intProperty(g1[2]?.properties ?? [], 0x10n)).toBe(1002n);
    expect(text(bytesProperty(g1[0]?.properties ?? [], 0x0dn) ?? new Uint8Array())).toBe("cfg");
    client.close();
  });

  it("starts after the largest object by default, at the next group with next-group-start", async () => {
    const { client, server, track } = await publisherPair();
    const g0 = track.openGroup(10n);
    g0.write(bytes("old"));
    const largestSub = await within(server.subscribe(NS, "video"));
    const nextSub = await within(server.subscribe(NS, "video", { filter: { type: "next-group-start" } }));
    expect(largestSub.largest).toEqual({ group: 10n, object: 0n });
    g0.write(bytes("same-group"));
    track.openGroup().write(bytes("next-group"));
    expect((await take(largestSub.objects, 2)).map((o) => text(o.payload))).toEqual(["same-group", "next-group"]);
    const next = await take(nextSub.objects, 1);
    expect(next.map((o) => [o.group, text(o.payload)])).toEqual([[11n, "next-group"]]);
    client.close();
  });

  it("replays cached groups for an absolute start and ends an absolute range with PUBLISH_DONE", async () => {
    const { client, server, track } = await publisherPair();
    for (let g = 0; g < 3; g++) {
      const group = track.openGroup();
      group.write(bytes(`${g}a`));
      group.write(bytes(`${g}b`));
    }
    const sub = await within(
      server.subscribe(NS, "video", { filter: { type: "absolute-range", start: { group: 1n, object: 1n }, endGroup: 3n } }),
    );
    track.openGroup().write(bytes("3a"));
    track.openGroup().write(bytes("4a"));
    const received = await take(sub.objects, 10);
    expect(received.map((o) => text(o.payload)).sort()).toEqual(["1b", "2a", "2b", "3a"]);
    expect(await within(sub.done)).toMatchObject({ statusCode: BigInt(PublishDoneCode.SubscriptionEnded) });
    client.close();
  });

  it("ends with PUBLISH_DONE (Track Ended) after every object when the track closes", async () => {
    const { client, server, track } = await publisherPair();
    const sub = await within(server.subscribe(NS, "video"));
    for (let g = 0; g < 5; g++) {
      const group = track.openGroup();
      for (let i = 0; i < 4; i++) group.write(bytes(`${g}.${i}`));
    }
    track.close();
    const all = await take(sub.objects, 100);
    expect(all).toHaveLength(20);
    const done = await within(sub.done);
    expect(done).toEqual({ statusCode: BigInt(PublishDoneCode.TrackEnded), streamCount: 5n, reason: "the track ended" });
    client.close();
  });

  it("tells a publisher when every subscription it serves has written its PUBLISH_DONE, or that time ran out", async () => {
    const { client, server, track } = await publisherPair();
    const sub = await within(server.subscribe(NS, "video"));
    expect(await client.servedSubscriptionsEnded(20)).toBe(false);
    const ended = client.servedSubscriptionsEnded(5000);
    track.openGroup().write(bytes("last"));
    track.close();
    expect(await within(ended)).toBe(true);
    // The last object and PUBLISH_DONE were out before it resolved.
    expect((await take(sub.objects, 10)).map((o) => text(o.payload))).toEqual(["last"]);
    expect((await within(sub.done))?.statusCode).toBe(BigInt(PublishDoneCode.TrackEnded));
    expect(await client.servedSubscriptionsEnded(0)).toBe(true);
    client.close();
  });

  it("rejects a track that does not exist with DOES_NOT_EXIST", async () => {
    const { client, server } = await publisherPair();
    const error = await server.subscribe(NS, "nope").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MoqtRequestError);
    expect((error as MoqtRequestError).code).toBe(BigInt(RequestErrorCode.DoesNotExist));
    client.close();
  });

  it("stops serving when the subscriber unsubscribes", async () => {
    const { client, server, track, clientTransport } = await publisherPair();
    const sub = await within(server.subscribe(NS, "video"));
    track.openGroup().write(bytes("a"));
    await take(sub.objects, 1);
    expect(track.subscriberCount).toBe(1);
    sub.unsubscribe();
    expect(await within(sub.done)).toBeNull();
    await within(waitFor(() => track.subscriberCount === 0));
    const opened = clientTransport.uniStreamsOpened;
    track.openGroup().write(bytes("b"));
    await new Promise((r) => setTimeout(r, 20));
    expect(clientTransport.uniStreamsOpened).toBe(opened);
    client.close();
  });

  it("applies REQUEST_UPDATE: forward off and on, subscriber priority to sendOrder", async () => {
    const { client, server, track, clientTransport } = await publisherPair();
    const sub = await within(server.subscribe(NS, "video", { priority: 10 }));
    track.openGroup(0n).write(bytes("first"));
    await take(sub.objects, 1);
    const before = clientTransport.sendOrders.at(-1) ?? 0;
    expect(await within(sub.update({ forward: false }))).toEqual({ group: 0n, object: 0n });
    track.openGroup(1n).write(bytes("not forwarded"));
    await within(sub.update({ forward: true, priority: 200 }));
    track.openGroup(2n).write(bytes("forwarded"));
    const [next] = await take(sub.objects, 1);
    expect(next && text(next.payload)).toBe("forwarded");
    // Lower subscriber priority value = more important = higher sendOrder.
    expect(clientTransport.sendOrders.at(-1) ?? 0).toBeLessThan(before);
    client.close();
  });

  it("delivers OBJECT_DATAGRAMs for the subscription's Track Alias", async () => {
    const { client, server, clientTransport } = await publisherPair();
    const sub = await within(server.subscribe(NS, "video"));
    const writer = clientTransport.datagrams.writable?.getWriter();
    await writer?.write(
      encodeObjectDatagram({
        trackAlias: sub.trackAlias,
        groupId: 7n,
        objectId: 3n,
        publisherPriority: 5,
        properties: [intPair(0x10n, 42n)],
        endOfGroup: false,
        status: null,
        payload: bytes("dgram"),
      }),
    );
    const [o] = await take(sub.objects, 1);
    expect(o).toMatchObject({ group: 7n, id: 3n, publisherPriority: 5, datagram: true });
    expect(o && text(o.payload)).toBe("dgram");
    expect(o && intProperty(o.properties, 0x10n)).toBe(42n);
    client.close();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 1));
}
