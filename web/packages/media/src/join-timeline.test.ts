import { describe, expect, it } from "vitest";
import { JoinTimeline } from "./join-timeline.ts";

describe("JoinTimeline", () => {
  it("keeps each step's first time relative to the join and mirrors it as a performance mark", () => {
    const start = performance.now();
    const timeline = new JoinTimeline(start);
    timeline.mark("connected", start + 12);
    timeline.mark("catalog", start + 30.4);
    timeline.mark("connected", start + 50);
    expect(timeline.steps.connected).toBeCloseTo(12, 6);
    expect(timeline.steps.catalog).toBeCloseTo(30.4, 6);
    expect(Object.keys(timeline.steps)).toEqual(["connected", "catalog"]);
    expect(timeline.format()).toBe("connected 12 · catalog 30");
    const marks = performance.getEntriesByName("moqlive:catalog", "mark");
    expect(marks.at(-1)?.startTime).toBeCloseTo(start + 30.4, 6);
  });

  it("takes wall-clock steps from another thread on the page's clock", () => {
    const start = performance.now();
    const timeline = new JoinTimeline(start);
    timeline.markEpoch("first-frame", performance.timeOrigin + start + 250);
    expect(timeline.steps["first-frame"]).toBeCloseTo(250, 3);
  });
});
