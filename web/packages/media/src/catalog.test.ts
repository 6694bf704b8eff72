import { describe, expect, it } from "vitest";
import { buildCatalog, type Catalog, CatalogError, encodeCatalog, parseCatalog, videoRenditions } from "./catalog.ts";

const avcC = new Uint8Array([1, 0x64, 0, 0x28, 0xff, 0xe1, 0, 4, 0x67, 0x64, 0, 0x28]);

const live: Catalog = {
  generatedAt: 1_764_000_000_000,
  isComplete: false,
  targetLatency: 150,
  title: "Alice's <live> show",
  tracks: [
    { name: "video/hd", role: "video", codec: "avc1.640028", width: 1280, height: 720, framerate: 30, bitrate: 2_500_000, initData: avcC },
    { name: "video/sd", role: "video", codec: "avc1.640028", width: 640, height: 360, framerate: 30, bitrate: 600_000, initData: avcC },
    { name: "audio", role: "audio", codec: "opus", samplerate: 48_000, channelConfig: "2", bitrate: 64_000 },
  ],
};

describe("catalog", () => {
  it("builds the docs/media-format.md field set", () => {
    const json = JSON.parse(buildCatalog(live));
    expect(json.version).toBe(1);
    expect(json.isComplete).toBe(false);
    expect(json.moqlive).toEqual({ title: "Alice's <live> show" });
    const hd = json.tracks[0];
    expect(hd).toEqual({
      name: "video/hd",
      packaging: "loc",
      isLive: true,
      targetLatency: 150,
      role: "video",
      renderGroup: 1,
      codec: "avc1.640028",
      width: 1280,
      height: 720,
      framerate: 30,
      bitrate: 2_500_000,
      altGroup: 1,
      initData: btoa(String.fromCharCode(...avcC)),
    });
    expect(hd.namespace).toBeUndefined();
    const audio = json.tracks[2];
    expect(audio.initData).toBeUndefined();
    expect(audio.altGroup).toBeUndefined();
    expect(audio).toMatchObject({ role: "audio", samplerate: 48_000, channelConfig: "2", packaging: "loc" });
  });

  it("round-trips through bytes", () => {
    expect(parseCatalog(encodeCatalog(live))).toEqual(live);
  });

  it("orders renditions by size", () => {
    expect(videoRenditions(parseCatalog(encodeCatalog(live))).map((t) => t.name)).toEqual(["video/hd", "video/sd"]);
  });

  it("parses a catalog written by another producer, ignoring unknown fields and non-LOC tracks", () => {
    const catalog = parseCatalog(
      JSON.stringify({
        version: 1,
        generatedAt: 1,
        isComplete: false,
        extra: { anything: true },
        tracks: [
          { name: "video0", packaging: "loc", role: "video", codec: "vp8", width: 320, height: 240, futureField: 7 },
          { name: "timeline", packaging: "mediatimeline", role: "mediatimeline", mimeType: "application/json" },
        ],
      }),
    );
    expect(catalog.title).toBe("");
    expect(catalog.tracks).toEqual([{ name: "video0", role: "video", codec: "vp8", width: 320, height: 240, framerate: 30, bitrate: 0 }]);
  });

  it("reads the end-of-broadcast catalog", () => {
    const ended = parseCatalog('{"version":1,"generatedAt":1746104606044,"isComplete":true,"tracks":[]}');
    expect(ended.isComplete).toBe(true);
    expect(ended.tracks).toEqual([]);
  });

  it.each([
    ["not json", "{", /not UTF-8 JSON/],
    ["bad utf-8", new Uint8Array([0x7b, 0xff, 0x7d]), /not UTF-8 JSON/],
    ["array root", "[]", /catalog must be a JSON object/],
    ["version 2", '{"version":2,"generatedAt":1,"tracks":[]}', /version 2/],
    ["delta update", '{"version":1,"generatedAt":1,"deltaUpdate":true,"tracks":[]}', /Delta updates/],
    ["no tracks", '{"version":1,"generatedAt":1}', /tracks must be an array/],
    ["no generatedAt", '{"version":1,"tracks":[]}', /generatedAt/],
    ["track without name", '{"version":1,"generatedAt":1,"tracks":[{"packaging":"loc"}]}', /tracks\[0\]\.name/],
    ["duplicate name", '{"version":1,"generatedAt":1,"tracks":[{"name":"a"},{"name":"a"}]}', /appears twice/],
    [
      "video without width",
      '{"version":1,"generatedAt":1,"tracks":[{"name":"v","packaging":"loc","role":"video","codec":"vp8","height":2}]}',
      /width/,
    ],
    [
      "zero sample rate",
      '{"version":1,"generatedAt":1,"tracks":[{"name":"a","packaging":"loc","role":"audio","codec":"opus","samplerate":0}]}',
      /samplerate must be greater than 0/,
    ],
    [
      "bad base64",
      '{"version":1,"generatedAt":1,"tracks":[{"name":"v","packaging":"loc","role":"video","codec":"avc1","width":2,"height":2,"initData":"%%"}]}',
      /initData is not base64/,
    ],
  ])("rejects %s", (_, input, message) => {
    expect(() => parseCatalog(input)).toThrow(CatalogError);
    expect(() => parseCatalog(input)).toThrow(message);
  });
});
