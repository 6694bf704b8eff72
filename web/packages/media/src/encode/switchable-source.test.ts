import { describe, expect, it } from "vitest";
import { SwitchableSource } from "./switchable-source.ts";

/** A stream that yields `items` and then stays open (a camera does not end by itself). */
function live<T>(items: T[]): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      for (const item of items) controller.enqueue(item);
    },
  });
}

describe("SwitchableSource", () => {
  it("moves a waiting read to the replacement and marks its first item", async () => {
    const source = new SwitchableSource(live(["a1", "a2"]));
    expect(await source.read()).toEqual({ value: "a1", switched: false });
    expect(await source.read()).toEqual({ value: "a2", switched: false });
    const waiting = source.read();
    source.replace(live(["b1", "b2"]));
    expect(await waiting).toEqual({ value: "b1", switched: true });
    expect(await source.read()).toEqual({ value: "b2", switched: false });
  });

  it("drops what the old source still had queued", async () => {
    const source = new SwitchableSource(live([1, 2, 3]));
    expect((await source.read())?.value).toBe(1);
    source.replace(live([10]));
    expect(await source.read()).toEqual({ value: 10, switched: true });
  });

  it("takes the newest of two quick replacements", async () => {
    const source = new SwitchableSource(live(["a"]));
    source.replace(live(["b"]));
    source.replace(live(["c"]));
    expect(await source.read()).toEqual({ value: "c", switched: true });
  });

  it("ends when the source ends without a replacement", async () => {
    const source = new SwitchableSource(
      new ReadableStream<number>({
        start(controller) {
          controller.enqueue(1);
          controller.close();
        },
      }),
    );
    expect((await source.read())?.value).toBe(1);
    expect(await source.read()).toBeUndefined();
  });
});
