import { describe, expect, it } from "vitest";
import { RenditionSplice } from "./rendition-splice.ts";

const frameUs = 33_333;

describe("RenditionSplice", () => {
  it("plays the first rendition at once", () => {
    const splice = new RenditionSplice();
    splice.switchTo("video-sd");
    expect(splice.current).toBe("video-sd");
    expect(splice.offer("video-sd", 0, true)).toBe("accept");
    expect(splice.offer("video-hd", 0, true)).toBe("drop");
  });

  it("keeps the old rendition until the new one has a key frame ahead of the playhead, up and back", () => {
    const splice = new RenditionSplice();
    splice.switchTo("video-sd");
    for (let i = 0; i < 40; i++) {
      expect(splice.offer("video-sd", i * frameUs, i % 30 === 0)).toBe("accept");
      splice.released(i * frameUs);
    }
    splice.switchTo("video-hd");
    expect(splice.pending).toBe("video-hd");
    // The joining FETCH brings group 1 from its key frame (frame 30): behind the playhead, so it is skipped.
    for (let i = 30; i < 45; i++) expect(splice.offer("video-hd", i * frameUs, i === 30)).toBe("drop");
    // The old rendition plays on meanwhile.
    for (let i = 40; i < 60; i++) {
      expect(splice.offer("video-sd", i * frameUs, false)).toBe("accept");
      splice.released(i * frameUs);
    }
    // Group 2's key frame arrives on the new rendition before the old one's frame 60 plays: switch there.
    expect(splice.offer("video-hd", 60 * frameUs, true)).toBe("switch");
    expect(splice.current).toBe("video-hd");
    expect(splice.pending).toBeUndefined();
    expect(splice.offer("video-sd", 60 * frameUs, true)).toBe("drop");
    expect(splice.offer("video-hd", 61 * frameUs, false)).toBe("accept");
    splice.released(61 * frameUs);

    // And back down.
    splice.switchTo("video-sd");
    expect(splice.offer("video-sd", 62 * frameUs, false)).toBe("drop");
    expect(splice.offer("video-hd", 62 * frameUs, false)).toBe("accept");
    expect(splice.offer("video-sd", 90 * frameUs, true)).toBe("switch");
    expect(splice.current).toBe("video-sd");
  });

  it("switches at a key frame that is newer than the playhead even when the old rendition's copy arrived first", () => {
    const splice = new RenditionSplice();
    splice.switchTo("video-hd");
    splice.released(29 * frameUs);
    splice.switchTo("video-sd");
    // hd frame 30 is buffered but not yet released: sd's key frame 30 still makes the switch.
    expect(splice.offer("video-hd", 30 * frameUs, true)).toBe("accept");
    expect(splice.offer("video-sd", 30 * frameUs, true)).toBe("switch");
  });

  it("cancels a pending switch when the current rendition is asked for again", () => {
    const splice = new RenditionSplice();
    splice.switchTo("video-hd");
    splice.switchTo("video-sd");
    splice.switchTo("video-hd");
    expect(splice.pending).toBeUndefined();
    expect(splice.offer("video-sd", 0, true)).toBe("drop");
  });

  it("takes any key frame after the playhead is reset", () => {
    const splice = new RenditionSplice();
    splice.switchTo("video-hd");
    splice.released(1_000_000);
    splice.switchTo("video-sd");
    expect(splice.offer("video-sd", 10, true)).toBe("drop");
    splice.resetPlayhead();
    expect(splice.offer("video-sd", 10, true)).toBe("switch");
  });
});
