import { describe, expect, it } from "vitest";
import { isStreamFailure, streamError, streamErrorCode } from "./stream-error.ts";

describe("stream errors", () => {
  it("a reset or STOP_SENDING with a code ends the stream, with that code", () => {
    const e = streamError(0x2);
    expect(streamErrorCode(e)).toBe(0x2);
    expect(isStreamFailure(e)).toBe(true);
  });

  it("Chromium's stream aborts without a usable code end the stream, not the session", () => {
    expect(
      isStreamFailure(Object.assign(new Error("aborted"), { name: "WebTransportError", source: "stream", streamErrorCode: null })),
    ).toBe(true);
    expect(isStreamFailure(new DOMException("The stream was aborted by the remote server", "NetworkError"))).toBe(true);
  });

  it("other failures are not stream failures", () => {
    expect(isStreamFailure(new Error("bug"))).toBe(false);
    expect(
      isStreamFailure(Object.assign(new Error("closed"), { name: "WebTransportError", source: "session", streamErrorCode: null })),
    ).toBe(false);
    expect(isStreamFailure(new DOMException("bad state", "InvalidStateError"))).toBe(false);
    expect(isStreamFailure(undefined)).toBe(false);
  });
});
