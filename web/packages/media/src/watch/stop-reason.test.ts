import { describe, expect, it } from "vitest";
import { StopReason } from "./stop-reason.ts";

describe("StopReason", () => {
  it("keeps the first reason an ended channel gave while re-joins end it again", () => {
    const reason = new StopReason();
    expect(reason.stopped("ended", "The streamer ended the broadcast. Waiting…")).toBe("The streamer ended the broadcast. Waiting…");
    expect(reason.stopped("ended", "The channel ended. Waiting…")).toBe("The streamer ended the broadcast. Waiting…");
    expect(reason.stopped("ended", "Channel c is not live right now. Waiting…")).toBe("The streamer ended the broadcast. Waiting…");
  });

  it("shows the latest error, and a new reason once playback resumed", () => {
    const reason = new StopReason();
    reason.stopped("ended", "The streamer ended the broadcast.");
    expect(reason.stopped("error", "Lost the connection to the MoqLive server.")).toBe("Lost the connection to the MoqLive server.");
    reason.playing();
    expect(reason.stopped("ended", "The channel ended.")).toBe("The channel ended.");
  });
});
