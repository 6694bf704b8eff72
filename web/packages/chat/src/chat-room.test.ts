import { intPair } from "@moqlive/moqt";
import { type SessionPair, startSessionPair, within } from "@moqlive/moqt/test-support/session-pair.ts";
import { describe, expect, it } from "vitest";
import { ChatLimitError } from "./chat-limits.ts";
import { participantNamespace } from "./chat-namespace.ts";
import { type ChatDrop, type ChatEntry, ChatRoom } from "./chat-room.ts";

const CHANNEL = "demo";
const A = "aaaaaaaaaaaaaaaa";
const B = "bbbbbbbbbbbbbbbb";

/** Two participants talking directly (each session serves SUBSCRIBE_NAMESPACE from what it publishes). */
async function pair(): Promise<SessionPair> {
  return startSessionPair({ acceptPublishNamespace: true }, { acceptPublishNamespace: true });
}

function nextEvent<T>(target: EventTarget, type: string, accept: (detail: T) => boolean = () => true): Promise<T> {
  return within(
    new Promise<T>((resolve) => {
      const listener = (e: Event) => {
        const detail = (e as CustomEvent<T>).detail;
        if (!accept(detail)) return;
        target.removeEventListener(type, listener);
        resolve(detail);
      };
      target.addEventListener(type, listener);
    }),
  );
}

function clock(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("ChatRoom", () => {
  it("shows history from before joining, then live messages both ways", async () => {
    const { client, server } = await pair();
    const tb = clock(1_700_000_000_000);
    const bob = await within(ChatRoom.join(server, CHANNEL, { displayName: "Bob", participantId: B, now: tb.now }));
    bob.post("first");
    tb.advance(1);
    bob.post("second <script>alert(1)</script>");

    const ta = clock(1_700_000_010_000);
    const ann = await within(ChatRoom.join(client, CHANNEL, { displayName: "Ann", participantId: A, now: ta.now }));
    await within(waitFor(() => ann.messages.length === 2));
    expect(ann.messages.map((m) => [m.from, m.text, m.history, m.participant])).toEqual([
      ["Bob", "first", true, B],
      ["Bob", "second <script>alert(1)</script>", true, B],
    ]);

    const toAnn = nextEvent<ChatEntry>(ann, "message");
    tb.advance(5000);
    bob.post("live");
    expect(await toAnn).toMatchObject({ text: "live", history: false, own: false });

    await within(waitFor(() => bob.participants.includes(A)));
    const toBob = nextEvent<ChatEntry>(bob, "message");
    ann.post("hi Bob");
    expect(await toBob).toMatchObject({ from: "Ann", text: "hi Bob", participant: A });
    expect(ann.messages.map((m) => m.text)).toEqual(["first", "second <script>alert(1)</script>", "live", "hi Bob"]);
    expect(ann.participants.sort()).toEqual([A, B]);
    client.close();
  });

  it("refuses posts over 500 characters or 5 per 10 s, with group IDs from the send time", async () => {
    const { client } = await pair();
    const t = clock(1_700_000_000_000);
    const room = await within(ChatRoom.join(client, CHANNEL, { displayName: "Ann", participantId: A, now: t.now }));
    expect(() => room.post("x".repeat(501))).toThrow(ChatLimitError);
    expect(() => room.post("   ")).toThrow(ChatLimitError);
    const groups = [0, 1, 2, 3, 4].map(() => room.post("m").group);
    // Same millisecond: +1 each time.
    expect(groups).toEqual([0n, 1n, 2n, 3n, 4n].map((d) => 1_700_000_000_000n + d));
    const error = (() => {
      try {
        room.post("sixth");
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ChatLimitError);
    expect((error as ChatLimitError).reason).toBe("rate");
    t.advance(10_000);
    expect(room.post("later").group).toBe(1_700_000_010_000n);
    client.close();
  });

  it("drops received messages that break the limits or are malformed", async () => {
    const { client, server } = await pair();
    // A misbehaving participant that writes its track directly.
    const published = await within(server.publishNamespace(participantNamespace(CHANNEL, B)));
    const track = published.createTrack("messages");
    const room = await within(ChatRoom.join(client, CHANNEL, { displayName: "Ann", participantId: A }));
    await within(waitFor(() => room.participants.includes(B)));
    await new Promise((r) => setTimeout(r, 20));
    const drops: ChatDrop[] = [];
    room.addEventListener("drop", (e) => drops.push((e as CustomEvent<ChatDrop>).detail));
    const send = (group: bigint, payload: unknown) => {
      const g = track.openGroup(group);
      g.write(typeof payload === "string" ? new TextEncoder().encode(payload) : new TextEncoder().encode(JSON.stringify(payload)), {
        properties: [intPair(0x10n, 1n)],
      });
      g.close();
    };
    const base = 1_700_000_000_000n;
    send(base, { from: "B", text: "x".repeat(501), sentAt: 1 });
    send(base + 1n, "not json");
    send(base + 2n, { from: "B", text: "y", sentAt: 1, pad: "p".repeat(3000) });
    for (let i = 0n; i < 6n; i++) send(base + 10n + i, { from: "B", text: `ok${i}`, sentAt: Number(base + 10n + i) });
    send(base + 20_000n, { from: "B", text: "after the window", sentAt: Number(base + 20_000n) });

    await within(waitFor(() => room.messages.length === 6 && drops.length === 4));
    expect(drops.map((d) => d.reason)).toEqual(["too-long", "malformed", "too-large", "rate"]);
    expect(room.messages.map((m) => m.text)).toEqual(["ok0", "ok1", "ok2", "ok3", "ok4", "after the window"]);
    client.close();
  });

  it("reports participants leaving", async () => {
    const { client, server } = await pair();
    const ann = await within(ChatRoom.join(client, CHANNEL, { displayName: "Ann", participantId: A }));
    const bob = await within(ChatRoom.join(server, CHANNEL, { displayName: "Bob", participantId: B }));
    await within(waitFor(() => ann.participants.length === 2));
    const left = nextEvent<string[]>(ann, "participants", (p) => p.length === 1);
    bob.leave();
    expect(await left).toEqual([A]);
    client.close();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 1));
}
