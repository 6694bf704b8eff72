export { defineChatElement, MoqliveChatElement } from "./chat-element.ts";
export { ChatLimitError, type ChatLimitReason, ChatLimits, characterCount } from "./chat-limits.ts";
export { type ChatMessage, checkChatMessage, encodeChatMessage, parseChatMessage } from "./chat-message.ts";
export { CHAT_TRACK, chatPrefix, isChannelName, isParticipantId, participantNamespace, randomParticipantId } from "./chat-namespace.ts";
export { type ChatDrop, type ChatEntry, ChatRoom, type ChatRoomOptions } from "./chat-room.ts";
export { RateWindow } from "./rate-window.ts";
