// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { defineChatElement, type MoqliveChatElement } from "./chat-element.ts";
import { ChatLimitError } from "./chat-limits.ts";
import type { ChatEntry, ChatRoom } from "./chat-room.ts";

/** What the element uses of a ChatRoom, without a session: posts go straight to its own list. */
class StubRoom extends EventTarget {
  displayName = "Ann";
  participants = ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"];
  messages: ChatEntry[] = [];
  posted: string[] = [];

  post(text: string): ChatEntry {
    if (text.length > 500) throw new ChatLimitError("too-long", "A message has at most 500 characters.");
    this.posted.push(text);
    return this.receive({ text, own: true, sentAt: 3000 });
  }

  receive(init: Partial<ChatEntry> & { text: string }): ChatEntry {
    const entry: ChatEntry = { from: "Bob", sentAt: 1000, participant: "bbbbbbbbbbbbbbbb", group: 1n, own: false, history: false, ...init };
    this.messages.push(entry);
    this.dispatchEvent(new CustomEvent("message", { detail: entry }));
    return entry;
  }
}

function mount(room: StubRoom): MoqliveChatElement {
  defineChatElement();
  const element = document.createElement("moqlive-chat");
  document.body.append(element);
  element.room = room as unknown as ChatRoom;
  return element;
}

describe("<moqlive-chat>", () => {
  it("renders names and text as text, never as HTML", () => {
    const room = new StubRoom();
    room.receive({ from: "<i>Bob</i>", text: "<img src=x onerror=alert(1)><script>alert(2)</script>" });
    const element = mount(room);
    const root = element.shadowRoot;
    expect(root?.querySelector("img, script, i")).toBeNull();
    const item = root?.querySelector("li");
    expect(item?.querySelector(".from")?.textContent).toBe("<i>Bob</i>");
    expect(item?.querySelector(".text")?.textContent).toBe("<img src=x onerror=alert(1)><script>alert(2)</script>");
    expect(item?.querySelector(".text")?.innerHTML).toContain("&lt;img");
    expect(root?.querySelector(".participants")?.textContent).toBe("2 people in the chat");
  });

  it("keeps messages in send-time order as history arrives late", () => {
    const room = new StubRoom();
    const element = mount(room);
    room.receive({ text: "later", sentAt: 2000 });
    room.receive({ text: "earlier", sentAt: 1000, history: true });
    const texts = [...(element.shadowRoot?.querySelectorAll("li .text") ?? [])].map((n) => n.textContent);
    expect(texts).toEqual(["earlier", "later"]);
  });

  it("posts the input and shows limit errors in the status line", () => {
    const room = new StubRoom();
    const element = mount(room);
    const input = element.shadowRoot?.querySelector<HTMLInputElement>("input.text");
    if (!input) throw new Error("no input");
    input.value = "hello";
    element.send();
    expect(room.posted).toEqual(["hello"]);
    expect(input.value).toBe("");
    input.value = "x".repeat(501);
    element.send();
    expect(room.posted).toEqual(["hello"]);
    expect(element.shadowRoot?.querySelector(".status")?.textContent).toBe("A message has at most 500 characters.");
    expect(element.shadowRoot?.querySelector<HTMLInputElement>("input.name")?.value).toBe("Ann");
  });
});
