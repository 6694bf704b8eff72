export {
  type AudioTrack,
  audioTrack,
  buildCatalog,
  type Catalog,
  CatalogError,
  type CatalogTrack,
  encodeCatalog,
  parseCatalog,
  type VideoTrack,
  videoRenditions,
} from "./catalog.ts";
export { channelNameOf, channelNamespace, GroupSequence, isValidChannelName, PublisherPriority, TrackName } from "./channel.ts";
export { ClockOffsetEstimator, type ClockSample, estimateClockOffset, localNowUs } from "./clock-offset.ts";
export { type BufferedFrame, JitterBuffer, type JitterBufferOptions, type JitterBufferStats, type PollResult } from "./jitter-buffer.ts";
export { decodeLocProperties, encodeLocProperties, type LocProperties, LocProperty, LocPropertyError } from "./loc-properties.ts";
export { PlayoutDelay, type PlayoutDelayOptions } from "./playout-delay.ts";
