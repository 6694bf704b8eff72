import type { KeyValuePair } from "@moqlive/moqt";
import { describe, expect, it } from "vitest";
import { parseCatalog } from "../catalog.ts";
import { decodeLocProperties } from "../loc-properties.ts";
import type { TrackWriter } from "../media-transport.ts";
import { channelTrackOpener } from "../moqt-session.ts";
import { ChannelBroadcast } from "./channel-broadcast.ts";

interface Written {
  group: bigint;
  object: bigint;
  properties: readonly KeyValuePair[];
  payload: Uint8Array;
}

function recorder() {
  const tracks = new Map<string, { priority: number; objects: Written[]; closedGroups: bigint[]; closed: boolean }>();
  const openTrack = (name: string, priority: number): TrackWriter => {
    const state = { priority, objects: [] as Written[], closedGroups: [] as bigint[], closed: false };
    tracks.set(name, state);
    return {
      startGroup: (group) => ({
        write: (object, properties, payload) => state.objects.push({ group, object, properties, payload }),
        close: () => state.closedGroups.push(group),
      }),
      close: () => {
        state.closed = true;
      },
      get closed() {
        return state.closed;
      },
    };
  };
  return { tracks, openTrack };
}

const START = 1_764_000_000_000;
const avcC = new Uint8Array([1, 0x64, 0, 0x28]).buffer;

function video(track: string, n: number, keyframe: boolean) {
  return { type: "frame" as const, track, keyframe, timestampUs: START * 1000 + n * 33_333, data: new Uint8Array([n]).buffer };
}

describe("ChannelBroadcast", () => {
  it("maps GOPs to groups, frames to objects, and publishes the catalog once every track is configured", () => {
    const { tracks, openTrack } = recorder();
    const broadcast = new ChannelBroadcast({
      title: "t",
      targetLatencyMs: 150,
      startTimeMs: START,
      tracks: ["video/hd", "audio"],
      openTrack,
    });
    expect([...tracks.keys()]).toEqual(["catalog", "video/hd", "audio"]);
    expect(tracks.get("catalog")?.priority).toBe(0);
    expect(tracks.get("video/hd")?.priority).toBe(128);
    expect(tracks.get("audio")?.priority).toBe(64);

    // A delta frame before any key frame is not published.
    broadcast.frame(video("video/hd", 0, false));
    broadcast.config({
      type: "config",
      track: "video/hd",
      role: "video",
      codec: "avc1.640028",
      width: 1280,
      height: 720,
      bitrate: 1,
      description: avcC,
    });
    expect(broadcast.live).toBe(false);
    for (let n = 1; n <= 6; n++) broadcast.frame(video("video/hd", n, n % 3 === 1));
    broadcast.config({ type: "config", track: "audio", role: "audio", codec: "opus", samplerate: 48_000, channels: 1, bitrate: 64_000 });
    expect(broadcast.live).toBe(true);

    const hd = tracks.get("video/hd")?.objects ?? [];
    expect(hd.map((o) => [o.group - BigInt(START), o.object])).toEqual([
      [0n, 0n],
      [0n, 1n],
      [0n, 2n],
      [1n, 0n],
      [1n, 1n],
      [1n, 2n],
    ]);
    expect(tracks.get("video/hd")?.closedGroups).toEqual([BigInt(START)]);
    expect(decodeLocProperties(hd[0]?.properties ?? [])).toEqual({
      timestampUs: BigInt(START * 1000 + 33_333),
      videoConfig: new Uint8Array(avcC),
    });
    expect(decodeLocProperties(hd[1]?.properties ?? [])).toEqual({ timestampUs: BigInt(START * 1000 + 2 * 33_333) });

    const catalogObjects = tracks.get("catalog")?.objects ?? [];
    expect(catalogObjects).toHaveLength(1);
    expect(catalogObjects[0]?.group).toBe(BigInt(START));
    const catalog = parseCatalog(catalogObjects[0]?.payload ?? new Uint8Array());
    expect(catalog.tracks.map((t) => t.name)).toEqual(["video/hd", "audio"]);
    expect(catalog.tracks[1]).toMatchObject({ channelConfig: "1", samplerate: 48_000 });
  });

  it("starts an audio group every 50 packets", () => {
    const { tracks, openTrack } = recorder();
    const broadcast = new ChannelBroadcast({ title: "", targetLatencyMs: 150, startTimeMs: START, tracks: ["audio"], openTrack });
    for (let n = 0; n < 120; n++)
      broadcast.frame({ type: "frame", track: "audio", keyframe: true, timestampUs: n * 20_000, data: new ArrayBuffer(3) });
    const groups = (tracks.get("audio")?.objects ?? []).map((o) => o.group - BigInt(START));
    expect(groups.filter((g) => g === 0n)).toHaveLength(50);
    expect(groups.filter((g) => g === 1n)).toHaveLength(50);
    expect(groups.filter((g) => g === 2n)).toHaveLength(20);
  });

  it("republishes the catalog in a new group on a title change, and an empty complete one at the end", () => {
    const { tracks, openTrack } = recorder();
    const broadcast = new ChannelBroadcast({ title: "a", targetLatencyMs: 150, startTimeMs: START, tracks: ["audio"], openTrack });
    broadcast.config({ type: "config", track: "audio", role: "audio", codec: "opus", samplerate: 48_000, channels: 2, bitrate: 1 });
    broadcast.setTitle("b");
    broadcast.end();
    const catalogs = (tracks.get("catalog")?.objects ?? []).map((o) => ({
      group: o.group - BigInt(START),
      catalog: parseCatalog(o.payload),
    }));
    expect(catalogs.map((c) => [c.group, c.catalog.title, c.catalog.isComplete, c.catalog.tracks.length])).toEqual([
      [0n, "a", false, 1],
      [1n, "b", false, 1],
      [2n, "b", true, 0],
    ]);
    expect(tracks.get("audio")?.closed).toBe(true);
  });

  it("drops the frames and configs the encoders still deliver after the end, and title changes (they would write to closed groups)", () => {
    const { tracks, openTrack } = recorder();
    const broadcast = new ChannelBroadcast({ title: "a", targetLatencyMs: 150, startTimeMs: START, tracks: ["audio"], openTrack });
    broadcast.config({ type: "config", track: "audio", role: "audio", codec: "opus", samplerate: 48_000, channels: 2, bitrate: 1 });
    broadcast.frame({ type: "frame", track: "audio", keyframe: true, timestampUs: 0, data: new ArrayBuffer(3) });
    broadcast.end();
    const written = { audio: tracks.get("audio")?.objects.length, catalog: tracks.get("catalog")?.objects.length };

    broadcast.frame({ type: "frame", track: "audio", keyframe: true, timestampUs: 20_000, data: new ArrayBuffer(3) });
    broadcast.config({ type: "config", track: "audio", role: "audio", codec: "opus", samplerate: 44_100, channels: 1, bitrate: 1 });
    broadcast.setTitle("b");
    broadcast.end();

    expect({ audio: tracks.get("audio")?.objects.length, catalog: tracks.get("catalog")?.objects.length }).toEqual(written);
  });

  it("drops what the encoders deliver once the session closed the tracks (the namespace withdrawn), without throwing", () => {
    const opener = channelTrackOpener(["live", "c"]);
    const broadcast = new ChannelBroadcast({
      title: "a",
      targetLatencyMs: 150,
      startTimeMs: START,
      tracks: ["audio"],
      openTrack: opener.open,
    });
    broadcast.config({ type: "config", track: "audio", role: "audio", codec: "opus", samplerate: 48_000, channels: 2, bitrate: 1 });
    broadcast.frame({ type: "frame", track: "audio", keyframe: true, timestampUs: 0, data: new ArrayBuffer(3) });
    const audio = opener.tracks.find((t) => t.name === "audio");
    expect(audio?.largest).toEqual({ group: BigInt(START), object: 0n });

    // What PublishedNamespace does when the relay cancels the PUBLISH_NAMESPACE or the session ends.
    for (const track of opener.tracks) track.close();
    broadcast.frame({ type: "frame", track: "audio", keyframe: true, timestampUs: 20_000, data: new ArrayBuffer(3) });
    broadcast.config({ type: "config", track: "audio", role: "audio", codec: "opus", samplerate: 44_100, channels: 1, bitrate: 1 });
    broadcast.setTitle("b");
    broadcast.end();

    expect(audio?.largest).toEqual({ group: BigInt(START), object: 0n });
  });

  it("republishes the catalog when a track's config changes while live (another microphone's format)", () => {
    const { tracks, openTrack } = recorder();
    const broadcast = new ChannelBroadcast({ title: "", targetLatencyMs: 150, startTimeMs: START, tracks: ["audio"], openTrack });
    broadcast.config({ type: "config", track: "audio", role: "audio", codec: "opus", samplerate: 48_000, channels: 2, bitrate: 1 });
    broadcast.config({ type: "config", track: "audio", role: "audio", codec: "opus", samplerate: 44_100, channels: 1, bitrate: 1 });
    const catalogs = (tracks.get("catalog")?.objects ?? []).map((o) => parseCatalog(o.payload));
    expect(catalogs.map((c) => c.tracks[0]?.role === "audio" && [c.tracks[0].samplerate, c.tracks[0].channelConfig])).toEqual([
      [48_000, "2"],
      [44_100, "1"],
    ]);
  });
});
