/** Chat limits of docs/media-format.md "Chat"; senders, the relay and receivers all apply them. */
export const ChatLimits = {
  /** `text` at most 500 characters (Unicode code points). */
  maxTextLength: 500,
  /** The whole JSON payload at most 2 KiB. */
  maxPayloadBytes: 2048,
  /** A sender may post 5 messages ... */
  maxMessagesPerWindow: 5,
  /** ... per 10 s. */
  rateWindowMs: 10_000,
  /** Display names are cut to 64 characters when sending (a local choice; the format only bounds the payload). */
  maxDisplayNameLength: 64,
} as const;

/** Why a message was refused (sending) or dropped (receiving). */
export type ChatLimitReason = "empty" | "too-long" | "too-large" | "rate" | "malformed";

/** A message this participant may not send now. */
export class ChatLimitError extends Error {
  readonly reason: ChatLimitReason;

  constructor(reason: ChatLimitReason, message: string) {
    super(message);
    this.name = "ChatLimitError";
    this.reason = reason;
  }
}

/** Length in Unicode code points, the "characters" of the limit. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
