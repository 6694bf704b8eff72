import { describe, expect, it } from "vitest";
import { formatBitrate, formatMs, percentile } from "./stats-format.ts";

describe("stats formatting", () => {
  it("formats bit rates and milliseconds", () => {
    expect(formatBitrate(2_500_000)).toBe("2.50 Mbit/s");
    expect(formatBitrate(64_400)).toBe("64 kbit/s");
    expect(formatMs(12.6)).toBe("13 ms");
    expect(formatMs(undefined)).toBeUndefined();
  });

  it("takes nearest-rank percentiles", () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([], 50)).toBeUndefined();
  });
});
