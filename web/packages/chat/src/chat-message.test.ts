import { describe, expect, it } from "vitest";
import { ChatLimits, characterCount } from "./chat-limits.ts";
import { encodeChatMessage, parseChatMessage } from "./chat-message.ts";
import { RateWindow } from "./rate-window.ts";

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe("chat message payloads", () => {
  it("round-trips a message, markup kept as plain text", () => {
    const message = { from: "Ann <b>", text: "<img src=x onerror=alert(1)> & ünïcødé 🎉", sentAt: 1_700_000_000_123 };
    expect(parseChatMessage(encodeChatMessage(message))).toEqual(message);
  });

  it("counts characters as code points: 500 emoji pass the text limit, 501 do not", () => {
    expect(characterCount("🎉".repeat(500))).toBe(500);
    // 500 four-byte emoji are 2000 bytes of text: within 2 KiB only without much else.
    expect(parseChatMessage(encode({ from: "a", text: "x".repeat(500), sentAt: 1 }))).toMatchObject({ text: "x".repeat(500) });
    expect(parseChatMessage(encode({ from: "a", text: "x".repeat(501), sentAt: 1 }))).toBe("too-long");
  });

  it("drops payloads over 2 KiB, malformed JSON and wrong shapes", () => {
    const big = encode({ from: "a".repeat(ChatLimits.maxPayloadBytes), text: "hi", sentAt: 1 });
    expect(big.length).toBeGreaterThan(ChatLimits.maxPayloadBytes);
    expect(parseChatMessage(big)).toBe("too-large");
    expect(parseChatMessage(new TextEncoder().encode("{not json"))).toBe("malformed");
    expect(parseChatMessage(new Uint8Array([0xff, 0xfe]))).toBe("malformed");
    expect(parseChatMessage(encode(["a"]))).toBe("malformed");
    expect(parseChatMessage(encode({ from: 1, text: "x", sentAt: 1 }))).toBe("malformed");
    expect(parseChatMessage(encode({ from: "a", text: "x", sentAt: "now" }))).toBe("malformed");
    expect(parseChatMessage(encode({ from: "a", text: "  ", sentAt: 1 }))).toBe("empty");
  });
});

describe("RateWindow", () => {
  it("allows 5 per 10 s and frees the window as time passes", () => {
    const rate = new RateWindow(5, 10_000);
    for (let i = 0; i < 5; i++) expect(rate.tryAdd(1000 + i)).toBe(true);
    expect(rate.tryAdd(1005)).toBe(false);
    expect(rate.tryAdd(10_999)).toBe(false);
    expect(rate.tryAdd(11_000)).toBe(true);
    expect(rate.tryAdd(11_001)).toBe(true);
    // (1001, 11001] holds 1002, 1003, 1004, 11000 and 11001.
    expect(rate.tryAdd(11_001)).toBe(false);
  });
});
