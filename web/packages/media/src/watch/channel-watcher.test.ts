import { describe, expect, it, vi } from "vitest";
import { type Catalog, encodeCatalog } from "../catalog.ts";
import type { MediaObject } from "../decode/decoder-messages.ts";
import { encodeLocProperties } from "../loc-properties.ts";
import type { ChannelSubscriber, ReceivedObject, TrackReader } from "../media-transport.ts";
import { ChannelWatcher, type JoinStep, type WatchedPlayer } from "./channel-watcher.ts";

/** A track reader the test feeds object by object. */
class FakeReader implements TrackReader {
  readonly #objects: ReceivedObject[] = [];
  #wake: (() => void) | undefined;
  closed = false;

  push(object: ReceivedObject): void {
    this.#objects.push(object);
    this.#wake?.();
  }

  close(): void {
    this.closed = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ReceivedObject> {
    for (;;) {
      const next = this.#objects.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}

/** Records subscribe calls; each is answered when the test says so (a round trip to the relay). */
function fakeSubscriber() {
  const calls: { track: string; joining: boolean; answer: (reader: FakeReader | Error) => void; reader: FakeReader }[] = [];
  const subscriber: ChannelSubscriber = {
    subscribe: (track, joining) =>
      new Promise<TrackReader>((resolve, reject) => {
        const reader = new FakeReader();
        calls.push({ track, joining, reader, answer: (r) => (r instanceof Error ? reject(r) : resolve(r)) });
      }),
  };
  const call = (track: string) => calls.filter((c) => c.track === track);
  return { subscriber, calls, call };
}

function fakePlayer() {
  const pushed: Omit<MediaObject, "type">[] = [];
  const configured: string[] = [];
  const player: WatchedPlayer & { videoTrack: string | undefined } = {
    videoTrack: undefined,
    setVideo(track) {
      player.videoTrack = track.name;
      configured.push(track.name);
      return Promise.resolve(true);
    },
    setAudio(track) {
      configured.push(track.name);
    },
    push(object) {
      pushed.push(object);
    },
  };
  return { player, pushed, configured };
}

function catalog(videoName: string): Catalog {
  return {
    generatedAt: 1,
    isComplete: false,
    targetLatency: 150,
    title: "",
    tracks: [
      { name: videoName, role: "video", codec: "vp8", width: 640, height: 360, framerate: 30, bitrate: 600_000 },
      { name: "audio", role: "audio", codec: "opus", samplerate: 48_000, channelConfig: "2", bitrate: 64_000 },
    ],
  };
}

/** The testbed's ladder: 640x360 at 1 Mbit/s and 320x180 at 300 kbit/s. */
function ladder(): Catalog {
  return {
    ...catalog("video/hd"),
    tracks: [
      { name: "video/hd", role: "video", codec: "vp8", width: 640, height: 360, framerate: 30, bitrate: 1_000_000 },
      { name: "video/sd", role: "video", codec: "vp8", width: 320, height: 180, framerate: 30, bitrate: 300_000 },
      { name: "audio", role: "audio", codec: "opus", samplerate: 48_000, channelConfig: "2", bitrate: 64_000 },
    ],
  };
}

function object(objectId: bigint, fetched: boolean): ReceivedObject {
  return {
    groupId: 7n,
    objectId,
    properties: encodeLocProperties({ timestampUs: 1_000_000n + objectId }),
    payload: new Uint8Array([1]),
    fetched,
  };
}

describe("ChannelWatcher", () => {
  it("subscribes to the catalog, the low rendition and audio at once, then plays the media subscriptions it already has", async () => {
    const { subscriber, calls, call } = fakeSubscriber();
    const { player, pushed, configured } = fakePlayer();
    const steps: JoinStep[] = [];
    const watcher = new ChannelWatcher(subscriber, player, { step: (s) => steps.push(s) });
    const running = watcher.run();

    // All three requests are out before any answer (and before the catalog) arrives; the catalog and video with a
    // joining FETCH, audio from the live edge (its backlog would only be dropped: audio starts when video is live).
    // Nothing is known about the path yet: video starts on the low rendition.
    expect(calls.map((c) => c.track).sort()).toEqual(["audio", "catalog", "video/sd"]);
    expect(Object.fromEntries(calls.map((c) => [c.track, c.joining]))).toEqual({ audio: false, catalog: true, "video/sd": true });
    for (const c of calls) c.answer(c.reader);
    const video = call("video/sd")[0]?.reader;
    video?.push(object(0n, true));
    call("catalog")[0]?.reader.push({ groupId: 1n, objectId: 0n, properties: [], payload: encodeCatalog(ladder()) });

    await vi.waitFor(() => expect(pushed.length).toBe(1));
    expect(pushed[0]).toMatchObject({ track: "video/sd", keyframe: true, fetched: true, timestampUs: 1_000_000 });
    video?.push(object(1n, false));
    await vi.waitFor(() => expect(pushed.length).toBe(2));
    expect(pushed[1]).toMatchObject({ keyframe: false, fetched: false });
    // No second subscription: the early ones were kept.
    expect(calls.length).toBe(3);
    expect(configured.sort()).toEqual(["audio", "video/sd"]);
    expect(steps.slice(0, 2)).toEqual(["catalog-subscribed", "catalog"]);
    expect(steps).toContain("video-subscribed");
    expect(steps).toContain("video-object");
    expect(steps.indexOf("video-subscribed")).toBeLessThan(steps.indexOf("video-object"));

    watcher.close();
    call("catalog")[0]?.reader.close();
    await running;
    expect(video?.closed).toBe(true);
  });

  it("with the page's catalog, subscribes to the tracks it names and sets the player up before the catalog track answers", async () => {
    const { subscriber, calls, call } = fakeSubscriber();
    const { player, pushed, configured } = fakePlayer();
    const seen: Catalog[] = [];
    const watcher = new ChannelWatcher(subscriber, player, { catalog: (c) => seen.push(c) }, { catalog: catalog("video/main") });
    const running = watcher.run();

    // The catalog's tracks, not the guessed names; the player is set up for them before any answer.
    expect(calls.map((c) => c.track).sort()).toEqual(["audio", "catalog", "video/main"]);
    expect(seen.map((c) => c.tracks[0]?.name)).toEqual(["video/main"]);
    await vi.waitFor(() => expect(configured).toContain("video/main"));
    call("video/main")[0]?.answer(call("video/main")[0]?.reader ?? new Error("no reader"));
    call("audio")[0]?.answer(call("audio")[0]?.reader ?? new Error("no reader"));
    await vi.waitFor(() => expect(configured.sort()).toEqual(["audio", "video/main"]));
    // Objects play while the catalog subscription is still unanswered.
    call("video/main")[0]?.reader.push(object(0n, true));
    await vi.waitFor(() => expect(pushed.length).toBe(1));
    expect(pushed[0]).toMatchObject({ track: "video/main", keyframe: true, fetched: true });

    // The same catalog from the track changes nothing: no second subscription, no reconfiguration.
    call("catalog")[0]?.answer(call("catalog")[0]?.reader ?? new Error("no reader"));
    call("catalog")[0]?.reader.push({ groupId: 1n, objectId: 0n, properties: [], payload: encodeCatalog(catalog("video/main")) });
    await vi.waitFor(() => expect(seen.length).toBe(2));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls.length).toBe(3);
    expect(configured.length).toBe(2);

    watcher.close();
    await running;
  });

  it("starts from the catalog track when the page's catalog names a track that is gone", async () => {
    const { subscriber, call } = fakeSubscriber();
    const { player, pushed } = fakePlayer();
    const errors: string[] = [];
    const watcher = new ChannelWatcher(subscriber, player, { error: (m) => errors.push(m) }, { catalog: catalog("video/old") });
    const running = watcher.run();
    call("audio")[0]?.answer(call("audio")[0]?.reader ?? new Error("no reader"));
    call("video/old")[0]?.answer(new Error("DoesNotExist"));
    await vi.waitFor(() => expect(call("video/old").length).toBe(2));
    call("video/old")[1]?.answer(new Error("DoesNotExist"));
    await vi.waitFor(() => expect(errors.length).toBe(1));

    call("catalog")[0]?.answer(call("catalog")[0]?.reader ?? new Error("no reader"));
    call("catalog")[0]?.reader.push({ groupId: 1n, objectId: 0n, properties: [], payload: encodeCatalog(catalog("video/new")) });
    await vi.waitFor(() => expect(call("video/new").length).toBe(1));
    call("video/new")[0]?.answer(call("video/new")[0]?.reader ?? new Error("no reader"));
    call("video/new")[0]?.reader.push(object(0n, true));
    await vi.waitFor(() => expect(pushed.length).toBe(1));
    expect(pushed[0]).toMatchObject({ track: "video/new" });

    watcher.close();
    call("catalog")[0]?.reader.close();
    await running;
  });

  it("ignores a page catalog that ends the broadcast and guesses the tracks", async () => {
    const { subscriber, calls } = fakeSubscriber();
    const { player, configured } = fakePlayer();
    const watcher = new ChannelWatcher(subscriber, player, {}, { catalog: { ...catalog("video/main"), isComplete: true } });
    const running = watcher.run();
    expect(calls.map((c) => c.track).sort()).toEqual(["audio", "catalog", "video/sd"]);
    expect(configured).toEqual([]);
    for (const c of calls) c.answer(c.reader);
    watcher.close();
    for (const c of calls) c.reader.close();
    await running;
  });

  it("closes an early subscription the catalog does not name and subscribes to the one it does", async () => {
    const { subscriber, calls, call } = fakeSubscriber();
    const { player, configured } = fakePlayer();
    const watcher = new ChannelWatcher(subscriber, player);
    const running = watcher.run();
    for (const c of calls) c.answer(c.reader);
    call("catalog")[0]?.reader.push({ groupId: 1n, objectId: 0n, properties: [], payload: encodeCatalog(catalog("video/main")) });

    await vi.waitFor(() => expect(call("video/main").length).toBe(1));
    call("video/main")[0]?.answer(call("video/main")[0]?.reader ?? new Error("no reader"));
    await vi.waitFor(() => expect(call("video/sd")[0]?.reader.closed).toBe(true));
    await vi.waitFor(() => expect(configured).toContain("video/main"));
    expect(call("audio").length).toBe(1);

    watcher.close();
    await running;
  });

  it("subscribes again when the early subscription failed", async () => {
    const { subscriber, calls, call } = fakeSubscriber();
    const { player, pushed } = fakePlayer();
    const watcher = new ChannelWatcher(subscriber, player);
    const running = watcher.run();
    for (const c of calls) c.answer(c.track === "video/sd" ? new Error("DoesNotExist") : c.reader);
    call("catalog")[0]?.reader.push({ groupId: 1n, objectId: 0n, properties: [], payload: encodeCatalog(ladder()) });

    await vi.waitFor(() => expect(call("video/sd").length).toBe(2));
    const retry = call("video/sd")[1];
    retry?.answer(retry.reader);
    retry?.reader.push(object(0n, false));
    await vi.waitFor(() => expect(pushed.length).toBe(1));
    expect(pushed[0]).toMatchObject({ track: "video/sd", keyframe: true, fetched: false });
    // The high rendition is not subscribed before the adaptation asks for it.
    expect(call("video/hd").length).toBe(0);

    watcher.close();
    await running;
  });
  it("subscribes again, until accepted, to a media track the publisher ended while the catalog goes on", async () => {
    const { subscriber, calls, call } = fakeSubscriber();
    const { player, pushed } = fakePlayer();
    const errors: string[] = [];
    const watcher = new ChannelWatcher(subscriber, player, { error: (m) => errors.push(m) });
    const running = watcher.run();
    for (const c of calls) c.answer(c.reader);
    call("catalog")[0]?.reader.push({ groupId: 1n, objectId: 0n, properties: [], payload: encodeCatalog(ladder()) });
    call("video/sd")[0]?.reader.push(object(0n, false));
    await vi.waitFor(() => expect(pushed.length).toBe(1));

    // The relay gave up on a reconnecting streamer: both media tracks end (PUBLISH_DONE), the catalog does not.
    call("video/sd")[0]?.reader.close();
    call("audio")[0]?.reader.close();
    await vi.waitFor(() => expect(call("video/sd").length).toBe(2), { timeout: 3000 });
    expect(call("video/sd")[1]?.joining).toBe(true);
    call("video/sd")[1]?.answer(new Error("DoesNotExist"));
    await vi.waitFor(() => expect(call("audio").length).toBe(2));
    call("audio")[1]?.answer(call("audio")[1]?.reader ?? new Error("no reader"));

    // Refused: asked again after a longer wait; audio, now subscribed, is not asked again.
    await vi.waitFor(() => expect(call("video/sd").length).toBe(3), { timeout: 3000 });
    const retry = call("video/sd")[2];
    retry?.answer(retry.reader);
    retry?.reader.push(object(0n, true));
    await vi.waitFor(() => expect(pushed.length).toBe(2));
    expect(pushed[1]).toMatchObject({ track: "video/sd", keyframe: true, fetched: true });
    expect(call("audio").length).toBe(2);
    expect(errors).toEqual([]);

    watcher.close();
    call("catalog")[0]?.reader.close();
    await running;
    expect(retry?.reader.closed).toBe(true);
  });

  it("switches up automatically once the link has headroom; a manual choice holds until 'auto' re-enables it", async () => {
    const { subscriber, calls, call } = fakeSubscriber();
    const { player, configured } = fakePlayer();
    const automatic: [string, boolean][] = [];
    let now = 0;
    const watcher = new ChannelWatcher(
      subscriber,
      player,
      { rendition: (track, auto) => automatic.push([track, auto]) },
      { now: () => now },
    );
    const running = watcher.run();
    for (const c of calls) c.answer(c.reader);
    call("catalog")[0]?.reader.push({ groupId: 1n, objectId: 0n, properties: [], payload: encodeCatalog(ladder()) });
    // Automatic playback starts on the low rendition, from the early subscription.
    await vi.waitFor(() => expect(configured).toContain("video/sd"));
    expect(call("video/sd").length).toBe(1);

    // The viewer picks the low rendition by hand (the one playing: nothing to switch).
    await watcher.switchRendition("video/sd");
    const sd = call("video/sd")[0]?.reader;

    // 30 fps over an uncongested 6 Mbit/s link: each frame arrives 20 ms after capture plus its serialisation; key frames
    // (object 0 of each 1 s group) are five times the others.
    let frame = 0;
    const deliver = async (seconds: number) => {
      for (const end = frame + seconds * 30; frame < end; frame++) {
        const bytes = frame % 30 === 0 ? 5515 : 1103;
        const captureMs = (frame * 1000) / 30;
        now = captureMs + 20 + (bytes * 8) / 6000;
        sd?.push({
          groupId: BigInt(Math.floor(frame / 30)),
          objectId: BigInt(frame % 30),
          properties: encodeLocProperties({ timestampUs: BigInt(Math.round(captureMs * 1000)) }),
          payload: new Uint8Array(bytes),
        });
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    };
    await deliver(12);
    // Manual: the headroom is there, but the choice holds.
    expect(call("video/hd").length).toBe(0);
    expect(automatic).toEqual([["video/sd", false]]);

    await watcher.switchRendition("auto");
    await deliver(8);
    await vi.waitFor(() => expect(call("video/hd").length).toBe(1));
    call("video/hd")[0]?.answer(call("video/hd")[0]?.reader ?? new Error("no reader"));
    await vi.waitFor(() =>
      expect(automatic).toEqual([
        ["video/sd", false],
        ["video/hd", true],
      ]),
    );

    watcher.close();
    await running;
  });
});
