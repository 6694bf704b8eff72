import type { MoqtObject, MoqtSession, NamespaceSubscription, PublishedNamespace, Subscription, TrackWriter } from "@moqlive/moqt";
import { ChatLimitError, type ChatLimitReason, ChatLimits, characterCount } from "./chat-limits.ts";
import { type ChatMessage, checkChatMessage, encodeChatMessage, parseChatMessage } from "./chat-message.ts";
import { CHAT_TRACK, chatPrefix, isParticipantId, participantNamespace, randomParticipantId } from "./chat-namespace.ts";
import { RateWindow } from "./rate-window.ts";

/** A message as the room shows it. */
export interface ChatEntry extends ChatMessage {
  /** The sender's participant ID. */
  readonly participant: string;
  /** The MOQT group it travelled in (its send time in ms, or 1 more than the previous). */
  readonly group: bigint;
  /** Sent by this room. */
  readonly own: boolean;
  /** Arrived through the joining FETCH (sent before this room joined). */
  readonly history: boolean;
}

/** A message dropped on receipt, and why. */
export interface ChatDrop {
  readonly participant: string;
  readonly reason: ChatLimitReason;
}

export interface ChatRoomOptions {
  readonly displayName: string;
  /** Default: a random 16-hex-digit ID. */
  readonly participantId?: string;
  /** How far back (in ms of send time, the group IDs) the joining FETCH asks for history; default 1 hour. */
  readonly historyMs?: number;
  /** Messages this participant keeps to answer others' history FETCH; default 50. */
  readonly cacheMessages?: number;
  /** Messages the room keeps for display; default 500. */
  readonly maxMessages?: number;
  /** The clock, ms since the epoch (tests). */
  readonly now?: () => number;
}

interface Peer {
  readonly participant: string;
  readonly rate: RateWindow;
  readonly seen: Set<bigint>;
  subscription: Subscription | null;
  left: boolean;
}

/**
 * A channel's chat room (docs/media-format.md "Chat"). The participant publishes `["live", NAME, "chat", ID]` with
 * one track, `messages` (one group per message); it finds the others with SUBSCRIBE_NAMESPACE `["live", NAME,
 * "chat"]`, subscribes to each `messages` track and fetches recent history with a joining FETCH. Messages that break
 * the limits are refused when posting and dropped when received.
 *
 * Events: `message` (CustomEvent<ChatEntry>), `participants` (CustomEvent<string[]>), `drop` (CustomEvent<ChatDrop>).
 */
export class ChatRoom extends EventTarget {
  readonly channel: string;
  readonly participantId: string;
  readonly #session: MoqtSession;
  readonly #published: PublishedNamespace;
  readonly #track: TrackWriter;
  readonly #namespaces: NamespaceSubscription;
  readonly #peers = new Map<string, Peer>();
  readonly #messages: ChatEntry[] = [];
  readonly #sendRate = new RateWindow(ChatLimits.maxMessagesPerWindow, ChatLimits.rateWindowMs);
  readonly #now: () => number;
  readonly #historyMs: number;
  readonly #maxMessages: number;
  #displayName: string;
  #lastGroup = -1n;
  #left = false;

  private constructor(
    session: MoqtSession,
    channel: string,
    participantId: string,
    published: PublishedNamespace,
    track: TrackWriter,
    namespaces: NamespaceSubscription,
    options: ChatRoomOptions,
  ) {
    super();
    this.#session = session;
    this.channel = channel;
    this.participantId = participantId;
    this.#published = published;
    this.#track = track;
    this.#namespaces = namespaces;
    this.#displayName = cutName(options.displayName);
    this.#now = options.now ?? Date.now;
    this.#historyMs = options.historyMs ?? 3_600_000;
    this.#maxMessages = options.maxMessages ?? 500;
  }

  /** Joins `channel`'s room on `session`: publishes this participant and follows the others. */
  static async join(session: MoqtSession, channel: string, options: ChatRoomOptions): Promise<ChatRoom> {
    const participantId = options.participantId ?? randomParticipantId();
    const namespace = participantNamespace(channel, participantId);
    const published = await session.publishNamespace(namespace);
    const track = published.createTrack(CHAT_TRACK, { cacheGroups: options.cacheMessages ?? 50 });
    let namespaces: NamespaceSubscription;
    try {
      namespaces = await session.subscribeNamespace(chatPrefix(channel));
    } catch (e) {
      published.unpublish();
      throw e;
    }
    const room = new ChatRoom(session, channel, participantId, published, track, namespaces, options);
    void room.#follow();
    return room;
  }

  get displayName(): string {
    return this.#displayName;
  }

  set displayName(name: string) {
    this.#displayName = cutName(name);
  }

  /** Participant IDs in the room, this one included. */
  get participants(): string[] {
    return [this.participantId, ...[...this.#peers.values()].filter((p) => !p.left).map((p) => p.participant)];
  }

  /** Messages so far, in send-time order (the newest `maxMessages`). */
  get messages(): readonly ChatEntry[] {
    return this.#messages;
  }

  /** Posts `text`; throws ChatLimitError (empty, too long, too large, over the rate) without sending. */
  post(text: string): ChatEntry {
    if (this.#left) throw new Error("left the chat room");
    const sentAt = this.#now();
    const message: ChatMessage = { from: this.#displayName, text, sentAt };
    const payload = encodeChatMessage(message);
    const problem = checkChatMessage(message, payload.length);
    if (problem !== null) throw new ChatLimitError(problem, describe(problem));
    if (!this.#sendRate.tryAdd(sentAt)) throw new ChatLimitError("rate", describe("rate"));
    // A new group per message, its ID the send time in ms (+1 if equal): docs/media-format.md "Chat".
    const group = BigInt(Math.floor(sentAt)) > this.#lastGroup ? BigInt(Math.floor(sentAt)) : this.#lastGroup + 1n;
    this.#lastGroup = group;
    const writer = this.#track.openGroup(group);
    writer.write(payload);
    writer.close();
    const entry: ChatEntry = { ...message, participant: this.participantId, group, own: true, history: false };
    this.#add(entry);
    return entry;
  }

  /** Leaves the room: withdraws this participant and stops following the others. */
  leave(): void {
    if (this.#left) return;
    this.#left = true;
    this.#namespaces.cancel();
    for (const peer of this.#peers.values()) peer.subscription?.unsubscribe();
    this.#published.unpublish();
  }

  async #follow(): Promise<void> {
    try {
      for await (const event of this.#namespaces.events) {
        const participant = event.namespace[3];
        if (
          event.namespace.length !== 4 ||
          participant === undefined ||
          !isParticipantId(participant) ||
          participant === this.participantId
        )
          continue;
        if (event.active) this.#join(participant);
        else this.#leavePeer(participant);
      }
    } catch {
      // The session closed: nothing more arrives.
    }
  }

  #join(participant: string): void {
    const existing = this.#peers.get(participant);
    if (existing !== undefined && !existing.left) return;
    const peer: Peer = existing ?? {
      participant,
      rate: new RateWindow(ChatLimits.maxMessagesPerWindow, ChatLimits.rateWindowMs),
      seen: new Set(),
      subscription: null,
      left: false,
    };
    peer.left = false;
    this.#peers.set(participant, peer);
    this.#emitParticipants();
    void this.#read(peer);
  }

  #leavePeer(participant: string): void {
    const peer = this.#peers.get(participant);
    if (peer === undefined || peer.left) return;
    peer.left = true;
    peer.subscription?.unsubscribe();
    peer.subscription = null;
    this.#emitParticipants();
  }

  async #read(peer: Peer): Promise<void> {
    const namespace = participantNamespace(this.channel, peer.participant);
    try {
      const subscription = await this.#session.subscribe(namespace, CHAT_TRACK);
      if (peer.left || this.#left) {
        subscription.unsubscribe();
        return;
      }
      peer.subscription = subscription;
      if (subscription.largest !== null) {
        const historyGroups = BigInt(this.#historyMs);
        try {
          const history = await this.#session.joiningFetch(subscription, { groupsBack: historyGroups });
          for await (const object of history.objects) this.#receive(peer, object, true);
        } catch {
          // No history (nothing cached, or the publisher refused): live messages still come.
        }
      }
      for await (const object of subscription.objects) this.#receive(peer, object, false);
    } catch {
      // The participant left or the session closed.
    }
  }

  #receive(peer: Peer, object: MoqtObject, history: boolean): void {
    if (object.payload.length === 0 || peer.seen.has(object.group)) return;
    peer.seen.add(object.group);
    const parsed = parseChatMessage(object.payload);
    if (typeof parsed === "string") {
      this.#drop(peer, parsed);
      return;
    }
    // The sender's rate, by send time (the group ID), so history is judged as it was sent.
    if (!peer.rate.tryAdd(Number(object.group))) {
      this.#drop(peer, "rate");
      return;
    }
    this.#add({ ...parsed, participant: peer.participant, group: object.group, own: false, history });
  }

  #drop(peer: Peer, reason: ChatLimitReason): void {
    this.dispatchEvent(new CustomEvent<ChatDrop>("drop", { detail: { participant: peer.participant, reason } }));
  }

  #add(entry: ChatEntry): void {
    let i = this.#messages.length;
    while (i > 0 && (this.#messages[i - 1] as ChatEntry).sentAt > entry.sentAt) i--;
    this.#messages.splice(i, 0, entry);
    if (this.#messages.length > this.#maxMessages) this.#messages.splice(0, this.#messages.length - this.#maxMessages);
    this.dispatchEvent(new CustomEvent<ChatEntry>("message", { detail: entry }));
  }

  #emitParticipants(): void {
    this.dispatchEvent(new CustomEvent<string[]>("participants", { detail: this.participants }));
  }
}

function cutName(name: string): string {
  const trimmed = name.trim() === "" ? "anonymous" : name.trim();
  return characterCount(trimmed) <= ChatLimits.maxDisplayNameLength
    ? trimmed
    : [...trimmed].slice(0, ChatLimits.maxDisplayNameLength).join("");
}

function describe(reason: ChatLimitReason): string {
  switch (reason) {
    case "empty":
      return "The message is empty.";
    case "too-long":
      return `A message has at most ${ChatLimits.maxTextLength} characters.`;
    case "too-large":
      return `A message is at most ${ChatLimits.maxPayloadBytes} bytes.`;
    case "rate":
      return `At most ${ChatLimits.maxMessagesPerWindow} messages per ${ChatLimits.rateWindowMs / 1000} s; wait a moment.`;
    case "malformed":
      return "The message is malformed.";
  }
}
