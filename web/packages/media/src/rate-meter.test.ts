import { describe, expect, it } from "vitest";
import { RateMeter } from "./rate-meter.ts";

describe("RateMeter", () => {
  it("measures events and bits per second over the window", () => {
    const meter = new RateMeter(1000);
    for (let i = 0; i < 30; i++) meter.add(i * 33, 1000);
    expect(meter.perSecond(990)).toBe(30);
    expect(meter.bitsPerSecond(990)).toBe(240_000);
    expect(meter.perSecond(1500)).toBe(14);
    expect(meter.perSecond(5000)).toBe(0);
  });
});
