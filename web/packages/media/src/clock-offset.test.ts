import { describe, expect, it } from "vitest";
import { ClockOffsetEstimator } from "./clock-offset.ts";

describe("ClockOffsetEstimator", () => {
  it("is 0 without samples", () => {
    const e = new ClockOffsetEstimator();
    expect(e.offsetUs).toBe(0);
    expect(e.rttUs).toBeUndefined();
  });

  it("uses the sample with the smallest round trip", () => {
    const e = new ClockOffsetEstimator();
    // True offset +5000 µs. A slow sample with an asymmetric path is off by 20 ms; the fast one is exact.
    e.add({ sentUs: 0, serverUs: 45_000, receivedUs: 60_000 });
    e.add({ sentUs: 100_000, serverUs: 106_000, receivedUs: 102_000 });
    e.add({ sentUs: 200_000, serverUs: 215_000, receivedUs: 210_000 });
    expect(e.offsetUs).toBe(5_000);
    expect(e.rttUs).toBe(2_000);
  });

  it("ignores samples whose clock went backwards", () => {
    const e = new ClockOffsetEstimator();
    e.add({ sentUs: 10, serverUs: 0, receivedUs: 5 });
    expect(e.rttUs).toBeUndefined();
  });
});
