import { describe, expect, it } from "vitest";
import { PcmRing } from "./pcm-ring.ts";

const ramp = (from: number, n: number) => Float32Array.from({ length: n }, (_, i) => from + i);

describe("PcmRing", () => {
  it("plays what was pushed, in order, on every channel", () => {
    const ring = new PcmRing(100);
    ring.push([ramp(0, 10), ramp(100, 10)]);
    const out = [new Float32Array(4), new Float32Array(4)];
    expect(ring.read(out)).toBe(4);
    expect([...(out[0] ?? [])]).toEqual([0, 1, 2, 3]);
    expect([...(out[1] ?? [])]).toEqual([100, 101, 102, 103]);
    expect(ring.queued).toBe(6);
  });

  it("copies mono to both outputs and plays silence when dry, counting underruns", () => {
    const ring = new PcmRing(100);
    const out = [new Float32Array(4), new Float32Array(4)];
    ring.read(out);
    expect(ring.underruns).toBe(0);
    ring.push([ramp(1, 2)]);
    expect(ring.read(out)).toBe(2);
    expect([...(out[0] ?? [])]).toEqual([1, 2, 0, 0]);
    expect([...(out[1] ?? [])]).toEqual([1, 2, 0, 0]);
    expect(ring.underruns).toBe(2);
  });

  it("keeps at most maxQueued frames: a burst drops the oldest, so audio stays near its video", () => {
    // 48 kHz, 100 ms bound: ten 20 ms packets arriving at once keep only the newest 100 ms.
    const ring = new PcmRing(4800);
    for (let p = 0; p < 10; p++) ring.push([ramp(p * 960, 960)]);
    expect(ring.queued).toBe(4800);
    expect(ring.dropped).toBe(4800);
    const out = [new Float32Array(1)];
    ring.read(out);
    expect(out[0]?.[0]).toBe(4800);
  });

  it("forgets everything on flush", () => {
    const ring = new PcmRing(10);
    ring.push([ramp(0, 5)]);
    ring.flush();
    expect(ring.queued).toBe(0);
    expect(ring.read([new Float32Array(2)])).toBe(0);
  });
});
