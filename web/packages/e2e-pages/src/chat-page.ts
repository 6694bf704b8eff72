import { ChatRoom, defineChatElement, type MoqliveChatElement, participantNamespace, randomParticipantId } from "@moqlive/chat";
import { type CertificateHash, connect, type MoqtSession } from "@moqlive/moqt";

/**
 * Runs in Chromium for ChatBrowserTests: a participant with a `<moqlive-chat>` element talking through
 * `moqlive serve`. Exposed as `window.chatE2E`.
 */

function hashFromHex(hex: string): CertificateHash {
  const value = new Uint8Array(32);
  for (let i = 0; i < 32; i++) value[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return { algorithm: "sha-256", value };
}

let session: MoqtSession | null = null;
let room: ChatRoom | null = null;
let element: MoqliveChatElement | null = null;

async function join(url: string, hashHex: string, channel: string, displayName: string) {
  session = await connect(url, { serverCertificateHashes: [hashFromHex(hashHex)] });
  room = await ChatRoom.join(session, channel, { displayName });
  defineChatElement();
  element = document.createElement("moqlive-chat");
  document.body.append(element);
  element.room = room;
  return room.participantId;
}

/** Types `text` into the element's input and submits the form; returns the status line. */
function post(text: string) {
  const root = element?.shadowRoot;
  const input = root?.querySelector<HTMLInputElement>("input.text");
  const form = root?.querySelector("form");
  if (!input || !form) throw new Error("not joined");
  input.value = text;
  form.requestSubmit();
  return root?.querySelector(".status")?.textContent ?? "";
}

/** What the element shows: each message's name and text as rendered, and whether any markup got in. */
function shown() {
  const root = element?.shadowRoot;
  const items = [...(root?.querySelectorAll("li") ?? [])].map((li) => ({
    from: li.querySelector(".from")?.textContent ?? "",
    text: li.querySelector(".text")?.textContent ?? "",
    history: li.classList.contains("history"),
  }));
  return { items, markup: root?.querySelectorAll("li b, li img, li script").length ?? 0, participants: room?.participants ?? [] };
}

/**
 * A participant that ignores the limits (as a hostile page could): publishes its own namespace and writes `count`
 * valid messages at once, plus one oversized, straight into its track. Returns its participant ID.
 */
async function flood(url: string, hashHex: string, channel: string, count: number) {
  const raw = await connect(url, { serverCertificateHashes: [hashFromHex(hashHex)] });
  const id = randomParticipantId();
  const published = await raw.publishNamespace(participantNamespace(channel, id));
  const track = published.createTrack("messages");
  return {
    id,
    subscribers: () => track.subscriberCount,
    write: () => {
      const encoder = new TextEncoder();
      const base = BigInt(Date.now());
      for (let i = 0; i < count; i++) {
        const g = track.openGroup(base + BigInt(i));
        g.write(encoder.encode(JSON.stringify({ from: "flood", text: `flood ${i}`, sentAt: Date.now() })));
        g.close();
      }
      const g = track.openGroup(base + BigInt(count));
      g.write(encoder.encode(JSON.stringify({ from: "flood", text: "big", sentAt: Date.now(), pad: "x".repeat(3000) })));
      g.close();
    },
  };
}

let flooder: Awaited<ReturnType<typeof flood>> | null = null;

async function startFlooder(url: string, hashHex: string, channel: string, count: number) {
  flooder = await flood(url, hashHex, channel, count);
  return flooder.id;
}

function runFlood() {
  flooder?.write();
}

function flooderSubscribers() {
  return flooder?.subscribers() ?? 0;
}

declare global {
  interface Window {
    chatE2E: {
      join: typeof join;
      post: typeof post;
      shown: typeof shown;
      startFlooder: typeof startFlooder;
      runFlood: typeof runFlood;
      flooderSubscribers: typeof flooderSubscribers;
    };
  }
}

window.chatE2E = { join, post, shown, startFlooder, runFlood, flooderSubscribers };
