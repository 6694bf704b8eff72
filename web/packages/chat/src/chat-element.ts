import { ChatLimitError, ChatLimits } from "./chat-limits.ts";
import type { ChatEntry, ChatRoom } from "./chat-room.ts";

const STYLE = `
:host { display: flex; flex-direction: column; font: 14px system-ui, sans-serif; min-height: 12em; }
ol { flex: 1; overflow-y: auto; margin: 0; padding: 0.25em; list-style: none; }
li { padding: 0.15em 0; overflow-wrap: anywhere; white-space: pre-wrap; }
.from { font-weight: 600; margin-right: 0.4em; }
.own .from { color: #0a6; }
.history { opacity: 0.7; }
form { display: flex; gap: 0.25em; padding: 0.25em; }
.name { width: 8em; }
.text { flex: 1; }
.status { min-height: 1.2em; color: #b00; padding: 0 0.25em; font-size: 12px; }
.participants { font-size: 12px; color: #666; padding: 0.25em; }
`;

/** `HTMLElement` where a DOM exists; a stand-in elsewhere so the module can be imported (e.g. by Node tests). */
const ElementBase: typeof HTMLElement = globalThis.HTMLElement ?? (class {} as unknown as typeof HTMLElement);

/**
 * `<moqlive-chat>`: the message list, a display-name field and a message input for a ChatRoom. Message text and
 * names are put in the page as text (textContent), never parsed as HTML. Set `room` to show a room.
 */
export class MoqliveChatElement extends ElementBase {
  #room: ChatRoom | null = null;
  readonly #list: HTMLOListElement;
  readonly #name: HTMLInputElement;
  readonly #text: HTMLInputElement;
  readonly #status: HTMLDivElement;
  readonly #participants: HTMLDivElement;
  readonly #onMessage = (e: Event) => this.#append((e as CustomEvent<ChatEntry>).detail);
  readonly #onParticipants = () => this.#showParticipants();

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    const doc = this.ownerDocument;
    const style = doc.createElement("style");
    style.textContent = STYLE;
    this.#participants = doc.createElement("div");
    this.#participants.className = "participants";
    this.#list = doc.createElement("ol");
    this.#list.setAttribute("aria-live", "polite");
    const form = doc.createElement("form");
    this.#name = doc.createElement("input");
    this.#name.className = "name";
    this.#name.placeholder = "Name";
    this.#name.maxLength = ChatLimits.maxDisplayNameLength;
    this.#name.setAttribute("aria-label", "Display name");
    this.#text = doc.createElement("input");
    this.#text.className = "text";
    this.#text.placeholder = "Say something";
    this.#text.maxLength = ChatLimits.maxTextLength;
    this.#text.setAttribute("aria-label", "Message");
    const send = doc.createElement("button");
    send.type = "submit";
    send.textContent = "Send";
    form.append(this.#name, this.#text, send);
    this.#status = doc.createElement("div");
    this.#status.className = "status";
    this.#status.setAttribute("role", "status");
    root.append(style, this.#participants, this.#list, form, this.#status);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.send();
    });
    this.#name.addEventListener("change", () => {
      if (this.#room !== null) {
        this.#room.displayName = this.#name.value;
        this.#name.value = this.#room.displayName;
      }
    });
  }

  get room(): ChatRoom | null {
    return this.#room;
  }

  /** Shows `room` (its messages so far and new ones); null detaches. */
  set room(room: ChatRoom | null) {
    this.#room?.removeEventListener("message", this.#onMessage);
    this.#room?.removeEventListener("participants", this.#onParticipants);
    this.#room = room;
    this.#list.replaceChildren();
    this.#status.textContent = "";
    if (room === null) return;
    this.#name.value = room.displayName;
    for (const entry of room.messages) this.#append(entry);
    room.addEventListener("message", this.#onMessage);
    room.addEventListener("participants", this.#onParticipants);
    this.#showParticipants();
  }

  /** Posts what is in the input (also what the form's submit does); limit errors show in the status line. */
  send(): void {
    const room = this.#room;
    if (room === null) return;
    try {
      room.post(this.#text.value);
      this.#text.value = "";
      this.#status.textContent = "";
    } catch (e) {
      if (!(e instanceof ChatLimitError)) throw e;
      this.#status.textContent = e.message;
    }
  }

  #append(entry: ChatEntry): void {
    const doc = this.ownerDocument;
    const item = doc.createElement("li");
    item.className = [entry.own ? "own" : "", entry.history ? "history" : ""].join(" ").trim();
    item.dataset.sentAt = String(entry.sentAt);
    const time = doc.createElement("time");
    time.dateTime = new Date(entry.sentAt).toISOString();
    time.textContent = `${new Date(entry.sentAt).toLocaleTimeString()} `;
    const from = doc.createElement("span");
    from.className = "from";
    from.textContent = entry.from;
    const text = doc.createElement("span");
    text.className = "text";
    // Text, never markup: docs/media-format.md "Chat".
    text.textContent = entry.text;
    item.append(time, from, text);
    // Keep send-time order when history arrives after live messages.
    const after = [...this.#list.children].find((li) => Number((li as HTMLElement).dataset.sentAt) > entry.sentAt);
    this.#list.insertBefore(item, after ?? null);
    this.#list.scrollTop = this.#list.scrollHeight;
  }

  #showParticipants(): void {
    const count = this.#room?.participants.length ?? 0;
    this.#participants.textContent = count === 1 ? "1 person in the chat" : `${count} people in the chat`;
  }
}

/** Registers `<moqlive-chat>` (once). */
export function defineChatElement(registry: CustomElementRegistry = customElements): void {
  if (registry.get("moqlive-chat") === undefined) registry.define("moqlive-chat", MoqliveChatElement);
}

declare global {
  interface HTMLElementTagNameMap {
    "moqlive-chat": MoqliveChatElement;
  }
}
