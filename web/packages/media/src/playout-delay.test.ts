import { Prng } from "@moqlive/moqt/test-support/prng.ts";
import { describe, expect, it } from "vitest";
import { JitterBuffer } from "./jitter-buffer.ts";
import { PlayoutDelay, type PlayoutDelayOptions } from "./playout-delay.ts";

const FRAME = 33_333;
const GOP = 30;
const AUDIO_FRAME = 20_000;

interface Arrival {
  readonly video: boolean;
  readonly n: number;
  readonly ts: number;
  readonly keyframe: boolean;
  readonly at: number;
}

interface Playback {
  /** Per video frame released: release time − capture time, µs. */
  readonly videoLatency: number[];
  /** Release latency of each video key frame, µs. */
  readonly keyLatency: number[];
  /** The longest time between two consecutive video releases (after the first), µs: a freeze. */
  readonly longestFreeze: number;
  /** (arrival time, delay) after each arrival. */
  readonly delays: { at: number; delay: number }[];
  readonly video: JitterBuffer<number>;
  readonly audio: JitterBuffer<number>;
}

/**
 * A decoder worker on a fake clock: one video (30 fps, key frame every 30) and one audio (50 per s) jitter buffer on a
 * shared delay, every arrival pushed at its time and a renderer polling every millisecond.
 */
function play(arrivals: Arrival[], options: Partial<PlayoutDelayOptions> = {}): Playback {
  const delay = new PlayoutDelay({ targetLatencyUs: 150_000, ...options });
  const video = new JitterBuffer<number>(delay);
  const audio = new JitterBuffer<number>(delay, { startWithKeyframe: false });
  const sorted = [...arrivals].sort((a, b) => a.at - b.at);
  const videoLatency: number[] = [];
  const keyLatency: number[] = [];
  const delays: { at: number; delay: number }[] = [];
  let lastRelease: number | undefined;
  let longestFreeze = 0;
  const poll = (now: number) => {
    audio.poll(now);
    for (const f of video.poll(now).frames) {
      videoLatency.push(now - f.timestampUs);
      if (f.keyframe) keyLatency.push(now - f.timestampUs);
      if (lastRelease !== undefined) longestFreeze = Math.max(longestFreeze, now - lastRelease);
      lastRelease = now;
    }
  };
  let now = 0;
  for (const a of sorted) {
    for (; now < a.at; now += 1_000) poll(now);
    (a.video ? video : audio).push({ timestampUs: a.ts, keyframe: a.keyframe, data: a.n }, a.at);
    delays.push({ at: a.at, delay: delay.delayUs });
  }
  for (const end = now + 1_500_000; now < end; now += 1_000) poll(now);
  return { videoLatency, keyLatency, longestFreeze, delays, video, audio };
}

/** Video and audio capture times over `seconds`, each with the arrival `latency` gives it (in capture order per track). */
function stream(seconds: number, latency: (video: boolean, n: number, ts: number) => number): Arrival[] {
  const out: Arrival[] = [];
  for (const video of [true, false]) {
    const interval = video ? FRAME : AUDIO_FRAME;
    let previous = 0;
    for (let n = 0; n * interval < seconds * 1_000_000; n++) {
      const ts = n * interval;
      // One QUIC stream per group/track: a frame cannot overtake the one before it.
      const at = Math.max(previous, ts + latency(video, n, ts));
      previous = at;
      out.push({ video, n, ts, keyframe: video && n % GOP === 0, at });
    }
  }
  return out;
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * The 3g profile's shape: a 1.5 Mbit/s FIFO bottleneck with 75 ms one way, 10 ms encode; 40 kB key frames, 3 kB
 * P frames, 160 B audio frames. Each key frame takes 213 ms to serialise and everything sent after it (video and
 * audio) queues behind it.
 */
function slowLink(seconds: number): Arrival[] {
  const frames: { video: boolean; n: number; ts: number; bytes: number }[] = [];
  for (let n = 0; n * FRAME < seconds * 1_000_000; n++)
    frames.push({ video: true, n, ts: n * FRAME, bytes: n % GOP === 0 ? 40_000 : 3_000 });
  for (let n = 0; n * AUDIO_FRAME < seconds * 1_000_000; n++) frames.push({ video: false, n, ts: n * AUDIO_FRAME, bytes: 160 });
  frames.sort((a, b) => a.ts - b.ts);
  let linkFree = 0;
  return frames.map((f) => {
    const done = Math.max(f.ts + 10_000, linkFree) + (f.bytes * 8 * 1_000_000) / 1_500_000;
    linkFree = done;
    return { video: f.video, n: f.n, ts: f.ts, keyframe: f.video && f.n % GOP === 0, at: Math.round(done + 75_000) };
  });
}

describe("PlayoutDelay", () => {
  it("3g-like key-frame bursts: covers the P frames and audio, lets each key frame play at most 100 ms late, no stall", () => {
    const arrivals = slowLink(10);
    const keyArrival = Math.max(...arrivals.filter((a) => a.keyframe).map((a) => a.at - a.ts));
    expect(keyArrival).toBeGreaterThan(290_000); // the burst the old maximum-following delay sat on (+10 ms)
    const run = play(arrivals);
    expect(run.video.stats.dropped).toBe(0);
    expect(run.videoLatency.length).toBe(arrivals.filter((a) => a.video).length);
    // Well below the key frames' latency: they play late instead, by at most 100 ms, and the picture never freezes
    // for a stall's 200 ms.
    expect(run.delays.at(-1)?.delay).toBeLessThanOrEqual(keyArrival - 90_000);
    // The first key frame sets the delay before anything plays; each later one plays as it arrives.
    expect(Math.max(...run.keyLatency.slice(1))).toBeLessThanOrEqual(keyArrival + 1_000);
    expect(run.longestFreeze).toBeLessThan(150_000);
    expect(percentile(run.videoLatency.slice(30), 0.5)).toBeLessThanOrEqual(keyArrival - 89_000);
  });

  it("random late outliers play late instead of raising the delay to the worst of them", () => {
    const prng = new Prng(6);
    const arrivals = stream(10, (video) => {
      // 30–40 ms; 1 % of the video frames (a retransmission, a busy machine) 200–600 ms, and those queued behind them.
      if (video && prng.below(100) < 1) return 200_000 + prng.below(400_001);
      return 30_000 + prng.below(10_001);
    });
    const run = play(arrivals);
    const afterStart = run.delays.filter((d) => d.at > 1_000_000).map((d) => d.delay);
    expect(Math.max(...afterStart)).toBeLessThanOrEqual(60_000);
    expect(run.video.stats.dropped).toBe(0);
    expect(run.video.stats.late).toBeGreaterThan(0);
    expect(percentile(run.videoLatency, 0.5)).toBeLessThanOrEqual(60_000);
  });

  it("3g-like random loss: frames queued behind a retransmission count as one late event, not a tenth of the arrivals", () => {
    // 80 ms one way; one stream per group and track (1 s groups), delivered in order. 1 % of the frames (a packet
    // each; key frames 8) lose a packet: that frame arrives a retransmission later (RTT + the loss-detection wait,
    // 250 ms), and the frames of its stream behind it arrive with it.
    const prng = new Prng(9);
    const REPAIR = 250_000;
    const arrivals: Arrival[] = [];
    for (const video of [true, false]) {
      const interval = video ? FRAME : AUDIO_FRAME;
      const perGroup = video ? GOP : 50;
      let previous = 0;
      for (let n = 0; n * interval < 20_000_000; n++) {
        const ts = n * interval;
        const keyframe = video && n % GOP === 0;
        const packets = keyframe ? 8 : 1;
        let lost = false;
        for (let p = 0; p < packets; p++) lost ||= prng.below(100) < 1;
        // A new group is a new stream: it does not wait for the previous group's retransmission.
        if (n % perGroup === 0) previous = 0;
        const at = Math.max(previous, ts + 80_000 + (keyframe ? 20_000 : 0) + (lost ? REPAIR : 0));
        previous = at;
        arrivals.push({ video, n, ts, keyframe, at });
      }
    }
    const late = arrivals.filter((a) => a.at - a.ts > 150_000).length;
    // The frames the losses made late: far more than the losses, a tenth of the arrivals or so.
    expect(late / arrivals.length).toBeGreaterThan(0.06);
    const run = play(arrivals);
    const afterStart = run.delays.filter((d) => d.at > 2_000_000).map((d) => d.delay);
    // The p90 of the arrivals without the blocked frames: the path's 80 ms (key frames 100 ms) + the margin.
    expect(percentile(afterStart, 0.9)).toBeLessThanOrEqual(130_000);
    expect(percentile(run.videoLatency, 0.5)).toBeLessThanOrEqual(120_000);
    expect(run.video.stats.dropped).toBe(0);
  });

  it("loopback steady state: stays near the arrivals' high percentile, far below the target", () => {
    const prng = new Prng(5);
    // Encode + loopback 20–40 ms; a key frame's encode takes 20 ms more.
    const arrivals = stream(10, (video, n) => 20_000 + prng.below(20_001) + (video && n % GOP === 0 ? 20_000 : 0));
    const run = play(arrivals);
    const afterStart = run.delays.filter((d) => d.at > 1_000_000).map((d) => d.delay);
    expect(Math.min(...afterStart)).toBeGreaterThanOrEqual(35_000);
    expect(Math.max(...afterStart)).toBeLessThanOrEqual(55_000);
    expect(percentile(run.videoLatency, 0.5)).toBeLessThanOrEqual(55_000);
    expect(run.video.stats.dropped).toBe(0);
  });

  it("after a congestion episode, catches up to the live edge at once when the window no longer needs the episode", () => {
    // 50 ms; from 3 s to 5 s of capture time a queue builds up to 800 ms; then 50 ms again.
    const episode = (ts: number) => (ts < 3_000_000 || ts >= 5_000_000 ? 50_000 : 50_000 + ((ts - 3_000_000) / 2_000_000) * 750_000);
    const run = play(stream(15, (_video, _n, ts) => episode(ts)));
    expect(Math.max(...run.delays.map((d) => d.delay))).toBeGreaterThanOrEqual(650_000);
    // The episode's last frames arrive at ~5.8 s. Speeding playback up by 25 % once the window had let go of them
    // took until 12.3 s to be back under 100 ms; skipping to the live edge when the last second of arrivals needs far
    // less than the whole window does it at ~6.8 s (waiting for the window to let go: 8.45 s).
    const end = Math.max(...run.delays.filter((d) => d.delay >= 650_000).map((d) => d.at));
    const recovered = run.delays.find((d) => d.at > end && d.delay <= 100_000);
    expect(recovered).toBeDefined();
    expect((recovered?.at ?? Number.POSITIVE_INFINITY) - 5_800_000).toBeLessThanOrEqual(1_200_000);
    // Down in steps of more than the 250 ms threshold (the need falls along the episode's ramp as it leaves the window),
    // not at the 25 % speed-up's few ms per arrival: the frames in between were released together.
    const drops = run.delays.slice(1).map((d, i) => (run.delays[i]?.delay ?? 0) - d.delay);
    expect(Math.max(...drops)).toBeGreaterThan(250_000);
    expect(run.video.stats.dropped).toBe(0);
  });

  it("shrinks an excess under the catch-up threshold no faster than the shrink rate (playback speed-up, no skip)", () => {
    // 50 ms; from 3 s to 5 s of capture time a queue builds up to 250 ms; then 50 ms again.
    const episode = (ts: number) => (ts < 3_000_000 || ts >= 5_000_000 ? 50_000 : 50_000 + ((ts - 3_000_000) / 2_000_000) * 200_000);
    const run = play(stream(15, (_video, _n, ts) => episode(ts)));
    expect(Math.max(...run.delays.map((d) => d.delay))).toBeGreaterThanOrEqual(200_000);
    for (let i = 1; i < run.delays.length; i++) {
      const [a, b] = [run.delays[i - 1], run.delays[i]];
      if (a !== undefined && b !== undefined) expect(a.delay - b.delay).toBeLessThanOrEqual(0.25 * (b.at - a.at) + 1);
    }
    expect(run.delays.at(-1)?.delay).toBeLessThanOrEqual(70_000);
  });

  it("rejects a quantile outside (0, 1], a shrink rate ≤ 0 and a negative catch-up threshold", () => {
    expect(() => new PlayoutDelay({ targetLatencyUs: 0, quantile: 0 })).toThrow(RangeError);
    expect(() => new PlayoutDelay({ targetLatencyUs: 0, quantile: 1.5 })).toThrow(RangeError);
    expect(() => new PlayoutDelay({ targetLatencyUs: 0, shrinkRate: 0 })).toThrow(RangeError);
    expect(() => new PlayoutDelay({ targetLatencyUs: 0, catchUpUs: -1 })).toThrow(RangeError);
  });
});
