import { describe, expect, it } from "vitest";
import { CanvasWarmUp } from "./canvas-warm-up.ts";

const sd = { width: 320, height: 180 };

describe("CanvasWarmUp", () => {
  it("warms the drawing path up while idle, and the catalog's size once the first key frame decodes, not when configured", () => {
    const warmUp = new CanvasWarmUp();
    expect(warmUp.idle()).toEqual({ size: undefined });
    expect(warmUp.idle()).toBeUndefined();
    warmUp.configured(sd);
    warmUp.received();
    expect(warmUp.decoding()).toEqual({ size: sd });
    expect(warmUp.decoding()).toBeUndefined();
  });

  it("leaves a late-starting worker's queued objects first: the path warms up with the first key frame's decode", () => {
    const warmUp = new CanvasWarmUp();
    warmUp.configured(sd);
    warmUp.received();
    expect(warmUp.idle()).toBeUndefined();
    expect(warmUp.decoding()).toEqual({ size: sd });
    expect(warmUp.decoding()).toBeUndefined();
  });

  it("warms a cold path up at the first key frame even without a catalog size", () => {
    const warmUp = new CanvasWarmUp();
    warmUp.received();
    expect(warmUp.idle()).toBeUndefined();
    expect(warmUp.decoding()).toEqual({ size: undefined });
    expect(warmUp.decoding()).toBeUndefined();
  });

  it("uses the newest size when configured again before the key frame", () => {
    const warmUp = new CanvasWarmUp();
    warmUp.configured({ width: 1280, height: 720 });
    warmUp.configured({ width: 640, height: 360 });
    expect(warmUp.decoding()).toEqual({ size: { width: 640, height: 360 } });
  });

  it("has nothing to do once a frame was drawn", () => {
    const warmUp = new CanvasWarmUp();
    warmUp.configured(sd);
    warmUp.rendered();
    expect(warmUp.idle()).toBeUndefined();
    expect(warmUp.decoding()).toBeUndefined();
    // A later rendition switch finds the canvas in use: render() sizes it to the new frames.
    warmUp.configured({ width: 640, height: 360 });
    expect(warmUp.decoding()).toBeUndefined();
  });

  it("warms a prepared player up at the prepared size while idle, once: not again at the first key frame", () => {
    const warmUp = new CanvasWarmUp();
    warmUp.configured(sd);
    expect(warmUp.idle()).toEqual({ size: sd });
    expect(warmUp.idle()).toBeUndefined();
    warmUp.configured(sd);
    warmUp.received();
    expect(warmUp.decoding()).toBeUndefined();
  });

  it("leaves a prepared size for the first key frame's decode when objects came before the worker was idle", () => {
    const warmUp = new CanvasWarmUp();
    warmUp.configured(sd);
    warmUp.received();
    expect(warmUp.idle()).toBeUndefined();
    expect(warmUp.decoding()).toEqual({ size: sd });
    expect(warmUp.decoding()).toBeUndefined();
  });

  it("warms up again when a later configure changes the size", () => {
    const warmUp = new CanvasWarmUp();
    warmUp.configured(sd);
    expect(warmUp.decoding()).toEqual({ size: sd });
    warmUp.configured({ width: 640, height: 360 });
    expect(warmUp.decoding()).toEqual({ size: { width: 640, height: 360 } });
    expect(warmUp.decoding()).toBeUndefined();
  });
});
