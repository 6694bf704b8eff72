import { describe, expect, it } from "vitest";
import { fakeTimers } from "../test-support/fake-timers.ts";
import { CanvasWarmUp, type WarmUpStep } from "./canvas-warm-up.ts";

const sd = { width: 320, height: 180 };
const hd = { width: 640, height: 360 };

/**
 * A warm-up whose steps are recorded, each run only when the test fires the timers (one task per step), with the
 * number of timers pending while each step ran.
 */
function setUp() {
  const { timers, pending, fire } = fakeTimers();
  const steps: WarmUpStep[] = [];
  const pendingDuringStep: number[] = [];
  const warmUp = new CanvasWarmUp((step) => {
    steps.push(step);
    pendingDuringStep.push(pending.size);
  }, timers);
  return { warmUp, steps, pending, pendingDuringStep, fire };
}

describe("CanvasWarmUp", () => {
  it("warms the path up while idle, and a size configured later beside the first key frame's decode, not when configured", () => {
    const { warmUp, steps, pending, fire } = setUp();
    warmUp.idle();
    fire();
    expect(steps).toEqual([{ kind: "path", size: undefined }]);
    expect(pending.size).toBe(0);
    warmUp.configured(sd);
    warmUp.received();
    expect(pending.size).toBe(0);
    warmUp.decoding();
    fire();
    expect(steps).toEqual([
      { kind: "path", size: undefined },
      { kind: "size", size: sd },
    ]);
    warmUp.decoding();
    expect(pending.size).toBe(0);
  });

  it("resizes the canvas before its first draw when the size is known: one step", () => {
    const { warmUp, steps, pending, fire } = setUp();
    warmUp.configured(sd);
    warmUp.idle();
    fire();
    expect(steps).toEqual([{ kind: "path", size: sd }]);
    expect(pending.size).toBe(0);
  });

  it("runs each step in a zero-delay task of its own, none set while a step runs", () => {
    const { warmUp, steps, pending, pendingDuringStep, fire } = setUp();
    warmUp.idle();
    expect(steps).toEqual([]);
    expect([...pending.values()].map((t) => t.ms)).toEqual([0]);
    fire();
    warmUp.configured(sd);
    warmUp.received();
    warmUp.decoding();
    expect(steps).toHaveLength(1);
    expect([...pending.values()].map((t) => t.ms)).toEqual([0]);
    fire();
    expect(steps).toHaveLength(2);
    expect(pendingDuringStep).toEqual([0, 0]);
  });

  it("does not run a step set before a video object arrived: it waits for that object's key frame to go to the decoder", () => {
    const { warmUp, steps, pending, fire } = setUp();
    warmUp.configured(sd);
    warmUp.idle();
    // The object was queued before the step's task: it is handled first, and the step must then not run.
    warmUp.received();
    expect(pending.size).toBe(0);
    fire();
    expect(steps).toEqual([]);
    warmUp.decoding();
    fire();
    expect(steps).toEqual([{ kind: "path", size: sd }]);
  });

  it("does not start at idle when a video object came first", () => {
    const { warmUp, steps, pending, fire } = setUp();
    warmUp.configured(sd);
    warmUp.received();
    warmUp.idle();
    expect(pending.size).toBe(0);
    warmUp.decoding();
    fire();
    expect(steps).toEqual([{ kind: "path", size: sd }]);
  });

  it("keeps going beside the decode when more objects arrive after the key frame", () => {
    const { warmUp, steps, fire } = setUp();
    warmUp.idle();
    fire();
    warmUp.configured(sd);
    warmUp.received();
    warmUp.decoding();
    warmUp.received();
    fire();
    expect(steps).toEqual([
      { kind: "path", size: undefined },
      { kind: "size", size: sd },
    ]);
  });

  it("takes a configure that came before the step ran: the step uses its size", () => {
    const { warmUp, steps, fire } = setUp();
    warmUp.configured(sd);
    warmUp.idle();
    warmUp.configured(hd);
    fire();
    expect(steps).toEqual([{ kind: "path", size: hd }]);
  });

  it("stops for good once a decoded frame was drawn", () => {
    const { warmUp, steps, pending, fire } = setUp();
    warmUp.configured(sd);
    warmUp.received();
    warmUp.decoding();
    warmUp.rendered();
    expect(pending.size).toBe(0);
    // A later rendition switch finds the canvas in use: render() sizes it to the new frames.
    warmUp.configured(hd);
    warmUp.decoding();
    fire();
    expect(steps).toEqual([]);
  });

  it("does not warm a size up twice, and warms up again when a later configure changes it", () => {
    const { warmUp, steps, pending, fire } = setUp();
    warmUp.configured(sd);
    warmUp.idle();
    fire();
    warmUp.configured(sd);
    warmUp.received();
    warmUp.decoding();
    expect(pending.size).toBe(0);
    warmUp.configured(hd);
    warmUp.decoding();
    fire();
    expect(steps).toEqual([
      { kind: "path", size: sd },
      { kind: "size", size: hd },
    ]);
  });

  it("sets one timer at a time however often it is asked", () => {
    const { warmUp, pending } = setUp();
    warmUp.idle();
    warmUp.received();
    warmUp.decoding();
    warmUp.decoding();
    expect(pending.size).toBe(1);
  });
});
