import { describe, expect, it } from "vitest";
import { fakeTimers } from "../test-support/fake-timers.ts";
import { PlayoutTimer } from "./playout-timer.ts";

describe("PlayoutTimer", () => {
  it("releases a due head at once, without a timer", () => {
    const { timers, pending } = fakeTimers();
    let released = 0;
    const timer = new PlayoutTimer(() => released++, timers);
    timer.arm(100, 100);
    expect(released).toBe(1);
    expect(pending.size).toBe(0);
  });

  it("keeps an armed timer when later arrivals are due later, so a stream of messages cannot postpone it", () => {
    const { timers, pending, fire } = fakeTimers();
    let released = 0;
    const timer = new PlayoutTimer(() => released++, timers);
    timer.arm(150, 100);
    for (let now = 101; now < 110; now++) timer.arm(150, now);
    expect(pending.size).toBe(1);
    expect([...pending.values()][0]?.ms).toBe(50);
    fire();
    expect(released).toBe(1);
  });

  it("re-arms earlier when an earlier frame becomes the head, and cancels when nothing is buffered", () => {
    const { timers, pending } = fakeTimers();
    const timer = new PlayoutTimer(() => {}, timers);
    timer.arm(200, 100);
    timer.arm(120, 100);
    expect([...pending.values()].map((t) => t.ms)).toEqual([20]);
    timer.arm(undefined, 100);
    expect(pending.size).toBe(0);
  });

  it("does not recurse: a head still due after a release waits for a zero-delay timer", () => {
    const { timers, pending, fire } = fakeTimers();
    let released = 0;
    const timer = new PlayoutTimer(() => {
      released++;
      if (released === 1) timer.arm(100, 100);
    }, timers);
    timer.arm(90, 100);
    expect(released).toBe(1);
    expect([...pending.values()].map((t) => t.ms)).toEqual([0]);
    fire();
    expect(released).toBe(2);
  });
});
