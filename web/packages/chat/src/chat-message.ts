import { type ChatLimitReason, ChatLimits, characterCount } from "./chat-limits.ts";

/** A chat message payload (docs/media-format.md "Chat"): `{"from", "text", "sentAt"}`, UTF-8 JSON. */
export interface ChatMessage {
  readonly from: string;
  readonly text: string;
  /** ms since the Unix epoch. */
  readonly sentAt: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Checks a message against the limits; null when it is within them. */
export function checkChatMessage(message: ChatMessage, payloadBytes: number): ChatLimitReason | null {
  if (message.text.trim() === "") return "empty";
  if (characterCount(message.text) > ChatLimits.maxTextLength) return "too-long";
  if (payloadBytes > ChatLimits.maxPayloadBytes) return "too-large";
  return null;
}

export function encodeChatMessage(message: ChatMessage): Uint8Array {
  return encoder.encode(JSON.stringify({ from: message.from, text: message.text, sentAt: message.sentAt }));
}

/**
 * Parses a received payload; returns the reason to drop it when it is not valid UTF-8 JSON of the right shape or
 * breaks a limit (receivers drop such messages).
 */
export function parseChatMessage(payload: Uint8Array): ChatMessage | ChatLimitReason {
  if (payload.length > ChatLimits.maxPayloadBytes) return "too-large";
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(payload));
  } catch {
    return "malformed";
  }
  if (typeof value !== "object" || value === null) return "malformed";
  const { from, text, sentAt } = value as Record<string, unknown>;
  if (typeof from !== "string" || typeof text !== "string" || typeof sentAt !== "number" || !Number.isFinite(sentAt)) return "malformed";
  const message = { from, text, sentAt };
  return checkChatMessage(message, payload.length) ?? message;
}
