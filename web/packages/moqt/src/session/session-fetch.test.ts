import { describe, expect, it } from "vitest";
import { createFakeTransportPair, type FakeWebTransport } from "../test-support/fake-web-transport.ts";
import { RAW_SETUP, startSessionPair, take, within } from "../test-support/session-pair.ts";
import { FetchType } from "../wire/control/fetch.ts";
import { encodeControlMessage } from "../wire/control-message.ts";
import { GroupOrder } from "../wire/group-order.ts";
import { intPair } from "../wire/key-value-pair.ts";
import { messageParameters } from "../wire/message-parameters.ts";
import { MoqtMessageType } from "../wire/message-type.ts";
import { MoqtRequestError } from "./errors.ts";
import { intProperty } from "./moqt-object.ts";
import { encodeNamespace } from "./names.ts";
import { RequestErrorCode } from "./request-error-code.ts";
import { RequestStream } from "./request-stream.ts";
import { MoqtSession } from "./session.ts";
import type { TransportBidirectionalStream } from "./web-transport.ts";

const NS = ["live", "demo"];
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function publisherPair() {
  const pair = await startSessionPair();
  const published = await within(pair.client.publishNamespace(NS));
  const track = published.createTrack("video", { cacheGroups: 3 });
  return { ...pair, published, track };
}

describe("FETCH", () => {
  it("joining FETCH starts a viewer at the current group's first object, contiguous with SUBSCRIBE", async () => {
    const { client, server, track } = await publisherPair();
    track.openGroup(100n).write(bytes("100.0"));
    const current = track.openGroup(101n);
    current.write(bytes("101.0"), { properties: [intPair(0x10n, 5n)] });
    current.write(bytes("101.1"));
    current.write(bytes("101.2"));
    const sub = await within(server.subscribe(NS, "video"));
    expect(sub.largest).toEqual({ group: 101n, object: 2n });
    const fetch = await within(server.joiningFetch(sub));
    current.write(bytes("101.3"));
    const history = await take(fetch.objects, 10);
    expect(fetch.complete).toBe(true);
    expect(history.map((o) => text(o.payload))).toEqual(["101.0", "101.1", "101.2"]);
    expect(intProperty(history[0]?.properties ?? [], 0x10n)).toBe(5n);
    expect(fetch.ok.endLocation).toEqual({ group: 101n, object: 3n });
    const live = await take(sub.objects, 1);
    expect(live.map((o) => text(o.payload))).toEqual(["101.3"]);
    client.close();
  });

  it("joining FETCH with groupsBack covers earlier cached groups", async () => {
    const { client, server, track } = await publisherPair();
    for (let g = 0; g < 3; g++) track.openGroup().write(bytes(`${g}`));
    const sub = await within(server.subscribe(NS, "video"));
    const fetch = await within(server.joiningFetch(sub, { groupsBack: 1n }));
    expect((await take(fetch.objects, 10)).map((o) => text(o.payload))).toEqual(["1", "2"]);
    client.close();
  });

  it("standalone FETCH serves a range from the cache in either group order", async () => {
    const { client, server, track } = await publisherPair();
    for (let g = 0; g < 5; g++) {
      const group = track.openGroup();
      group.write(bytes(`${g}a`));
      group.write(bytes(`${g}b`));
    }
    // Groups 2..4 are cached (cacheGroups 3).
    const ascending = await within(server.fetch(NS, "video", { start: { group: 2n, object: 1n }, end: { group: 4n, object: 0n } }));
    expect((await take(ascending.objects, 10)).map((o) => text(o.payload))).toEqual(["2b", "3a", "3b", "4a"]);
    const descending = await within(
      server.fetch(NS, "video", { start: { group: 3n, object: 0n }, end: { group: 4n } }, { groupOrder: GroupOrder.Descending }),
    );
    expect((await take(descending.objects, 10)).map((o) => text(o.payload))).toEqual(["4a", "4b", "3a", "3b"]);
    client.close();
  });

  it("answers INVALID_RANGE when nothing was published and INVALID_JOINING_REQUEST_ID for an unknown subscription", async () => {
    const { client, server } = await publisherPair();
    const empty = await server.fetch(NS, "video", { start: { group: 0n, object: 0n }, end: { group: 1n } }).catch((e: unknown) => e);
    expect((empty as MoqtRequestError).code).toBe(BigInt(RequestErrorCode.InvalidRange));
    const sub = await within(server.subscribe(NS, "video"));
    const joining = await server.joiningFetch(sub).catch((e: unknown) => e);
    expect(joining).toBeInstanceOf(MoqtRequestError);
    expect((joining as MoqtRequestError).code).toBe(BigInt(RequestErrorCode.InvalidRange));
    client.close();
  });
});

describe("a joining FETCH before the SUBSCRIBE it names", () => {
  // The subscriber sends SUBSCRIBE and the joining FETCH back to back on two streams (draft-19 "Joining Fetches"); the
  // FETCH's stream may be accepted first. A raw subscriber on the server's transport sends them in that order.
  async function fetchFirst(unknownJoiningRequestTimeoutMs?: number) {
    const pair = await startSessionPair(unknownJoiningRequestTimeoutMs === undefined ? {} : { unknownJoiningRequestTimeoutMs });
    const track = (await within(pair.client.publishNamespace(NS))).createTrack("video", { cacheGroups: 3 });
    const current = track.openGroup(7n);
    current.write(bytes("7.0"));
    current.write(bytes("7.1"));
    const fetchStream = new RequestStream(await pair.serverTransport.createBidirectionalStream());
    await fetchStream.write({
      type: MoqtMessageType.Fetch,
      requestId: 13n,
      fetchType: FetchType.RelativeJoining,
      trackNamespace: null,
      trackName: new Uint8Array(),
      startLocation: { group: 0n, object: 0n },
      endLocation: { group: 0n, object: 0n },
      joiningRequestId: 11n,
      joiningStart: 0n,
      parameters: messageParameters(),
    });
    return { ...pair, fetchStream };
  }

  async function request(pair: { serverTransport: FakeWebTransport }, message: Parameters<RequestStream["write"]>[0]) {
    const stream = new RequestStream(await pair.serverTransport.createBidirectionalStream());
    await stream.write(message);
    return stream;
  }

  it("is held until the SUBSCRIBE arrives, then answered up to the subscription's start", async () => {
    const pair = await fetchFirst();
    const subscribe = await request(pair, {
      type: MoqtMessageType.Subscribe,
      requestId: 11n,
      trackNamespace: encodeNamespace(NS),
      trackName: bytes("video"),
      parameters: messageParameters(),
    });
    expect((await within(subscribe.read()))?.type).toBe(MoqtMessageType.SubscribeOk);
    // FETCH_OK's End Location is the Joining Location {7, 1} + 1 (draft-19 "FETCH_OK").
    expect(await within(pair.fetchStream.read())).toMatchObject({ type: MoqtMessageType.FetchOk, endLocation: { group: 7n, object: 2n } });
    pair.client.close();
  });

  it("fails with INVALID_JOINING_REQUEST_ID when that Request ID turns out not to be a SUBSCRIBE", async () => {
    const pair = await fetchFirst();
    await request(pair, {
      type: MoqtMessageType.TrackStatus,
      requestId: 11n,
      trackNamespace: encodeNamespace(NS),
      trackName: bytes("video"),
      parameters: messageParameters(),
    });
    expect(await within(pair.fetchStream.read())).toMatchObject({
      type: MoqtMessageType.RequestError,
      errorCode: BigInt(RequestErrorCode.InvalidJoiningRequestId),
    });
    pair.client.close();
  });

  it("fails with INVALID_JOINING_REQUEST_ID when the SUBSCRIBE never comes", async () => {
    const pair = await fetchFirst(50);
    expect(await within(pair.fetchStream.read())).toMatchObject({
      type: MoqtMessageType.RequestError,
      errorCode: BigInt(RequestErrorCode.InvalidJoiningRequestId),
    });
    pair.client.close();
  });
});

describe("SUBSCRIBE with a pipelined joining FETCH", () => {
  it("sends the joining FETCH before SUBSCRIBE_OK, naming the pending subscription", async () => {
    // A raw publisher: it answers nothing until it has seen both requests.
    const [clientTransport, serverTransport] = createFakeTransportPair();
    const start = MoqtSession.start(clientTransport);
    await serverTransport.sendRawUnidirectional(encodeControlMessage(RAW_SETUP), false);
    const client = await within(start);
    const joined = client.subscribeWithJoiningFetch(NS, "video");
    const incoming = serverTransport.incomingBidirectionalStreams.getReader();
    const subscribeStream = new RequestStream((await within(incoming.read())).value as TransportBidirectionalStream);
    const subscribe = await within(subscribeStream.read());
    const fetchStream = new RequestStream((await within(incoming.read())).value as TransportBidirectionalStream);
    const fetch = await within(fetchStream.read());
    expect(subscribe?.type).toBe(MoqtMessageType.Subscribe);
    expect(fetch).toMatchObject({ type: MoqtMessageType.Fetch, fetchType: FetchType.RelativeJoining, joiningStart: 0n });
    if (subscribe?.type !== MoqtMessageType.Subscribe || fetch?.type !== MoqtMessageType.Fetch) throw new Error("unreachable");
    expect(fetch.joiningRequestId).toBe(subscribe.requestId);
    expect(fetch.requestId).toBeGreaterThan(subscribe.requestId);

    await subscribeStream.write({
      type: MoqtMessageType.SubscribeOk,
      trackAlias: 7n,
      parameters: messageParameters(),
      trackProperties: [],
    });
    await fetchStream.write(
      {
        type: MoqtMessageType.FetchOk,
        endOfTrack: false,
        endLocation: { group: 4n, object: 3n },
        parameters: messageParameters(),
        trackProperties: [],
      },
      true,
    );
    const { subscription, fetch: response } = await within(joined);
    expect(subscription.trackAlias).toBe(7n);
    expect((await within(response)).ok.endLocation).toEqual({ group: 4n, object: 3n });
    client.close();
  });

  it("asks for the FETCH's stream before the SUBSCRIBE's stream is open (a browser opens streams in a round trip)", async () => {
    const { client, server, track, serverTransport } = await publisherPair();
    track.openGroup(3n).write(bytes("3.0"));
    // The server's transport opens streams only when released, as a browser's network process answers later.
    const open = serverTransport.createBidirectionalStream.bind(serverTransport);
    const held: (() => void)[] = [];
    serverTransport.createBidirectionalStream = (options) => new Promise<void>((resolve) => held.push(resolve)).then(() => open(options));
    const joined = server.subscribeWithJoiningFetch(NS, "video");
    await Promise.resolve();
    expect(held).toHaveLength(2);
    for (const release of held) release();
    const { subscription, fetch } = await within(joined);
    expect((await take((await within(fetch)).objects, 10)).map((o) => text(o.payload))).toEqual(["3.0"]);
    expect(subscription.largest).toEqual({ group: 3n, object: 0n });
    client.close();
  });

  it("resolves the fetch at FETCH_OK, not once its own FIN is through", async () => {
    const { client, server, track, serverTransport } = await publisherPair();
    track.openGroup(4n).write(bytes("4.0"));
    // Closing a request stream's writable never completes here (in a browser it takes a round trip).
    const open = serverTransport.createBidirectionalStream.bind(serverTransport);
    serverTransport.createBidirectionalStream = async (options) => {
      const stream = await open(options);
      const writer = stream.writable.getWriter();
      const writable = Object.assign(
        new WritableStream<Uint8Array>({ write: (chunk) => writer.write(chunk), close: () => new Promise<void>(() => {}) }),
        { sendOrder: stream.writable.sendOrder ?? 0 },
      );
      return { readable: stream.readable, writable };
    };
    const { fetch } = await within(server.subscribeWithJoiningFetch(NS, "video"));
    expect((await take((await within(fetch)).objects, 10)).map((o) => text(o.payload))).toEqual(["4.0"]);
    client.close();
  });

  it("reports each request's steps: stream opened, request sent, answer read", async () => {
    const steps: string[] = [];
    const pair = await startSessionPair({}, { onRequestProgress: (p) => steps.push(`${p.track}:${p.request}:${p.step}`) });
    const track = (await within(pair.client.publishNamespace(NS))).createTrack("video");
    track.openGroup(1n).write(bytes("1.0"));
    const { fetch } = await within(pair.server.subscribeWithJoiningFetch(NS, "video"));
    await within(fetch);
    for (const request of ["SUBSCRIBE", "FETCH"]) {
      expect(steps.filter((s) => s.startsWith(`video:${request}:`))).toEqual([
        `video:${request}:opened`,
        `video:${request}:sent`,
        `video:${request}:answered`,
      ]);
    }
    pair.client.close();
  });

  it("delivers the current group through the fetch, then the subscription, between two sessions", async () => {
    const { client, server, track } = await publisherPair();
    const current = track.openGroup(5n);
    current.write(bytes("5.0"));
    current.write(bytes("5.1"));
    const { subscription, fetch } = await within(server.subscribeWithJoiningFetch(NS, "video"));
    current.write(bytes("5.2"));
    expect((await take((await within(fetch)).objects, 10)).map((o) => text(o.payload))).toEqual(["5.0", "5.1"]);
    expect((await take(subscription.objects, 1)).map((o) => text(o.payload))).toEqual(["5.2"]);
    client.close();
  });

  it("rejects with the subscription's error; the fetch fails with it", async () => {
    const { client, server } = await publisherPair();
    const error = await server.subscribeWithJoiningFetch(NS, "missing").catch((e: unknown) => e);
    expect((error as MoqtRequestError).code).toBe(BigInt(RequestErrorCode.DoesNotExist));
    client.close();
  });
});
