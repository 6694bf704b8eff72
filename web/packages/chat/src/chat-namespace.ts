/** Chat namespaces (docs/media-format.md "Chat"). */

const CHANNEL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const PARTICIPANT_ID = /^[0-9a-f]{16}$/;

/** The track every participant publishes. */
export const CHAT_TRACK = "messages";

export function isChannelName(name: string): boolean {
  return CHANNEL_NAME.test(name);
}

export function isParticipantId(id: string): boolean {
  return PARTICIPANT_ID.test(id);
}

/** `["live", NAME, "chat"]`: the prefix participants find each other under. */
export function chatPrefix(channel: string): string[] {
  if (!isChannelName(channel)) throw new RangeError(`"${channel}" is not a channel name (1-64 of [A-Za-z0-9_-])`);
  return ["live", channel, "chat"];
}

/** `["live", NAME, "chat", PARTICIPANT]`. */
export function participantNamespace(channel: string, participant: string): string[] {
  if (!isParticipantId(participant)) throw new RangeError(`"${participant}" is not a 16-hex-digit participant ID`);
  return [...chatPrefix(channel), participant];
}

/** A random participant ID: 16 hex digits, new per page load. */
export function randomParticipantId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
