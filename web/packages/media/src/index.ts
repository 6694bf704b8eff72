export { type CaptureDevices, CaptureError, type CaptureOptions, captureErrorMessage, listCaptureDevices, openCapture } from "./capture.ts";
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
export type { PlayerStats } from "./decode/decoder-messages.ts";
export { type AudioOutputStats, createPlayerAudioContext, MediaPlayer, type MediaPlayerOptions } from "./decode/media-player.ts";
export { startDecoderWorker } from "./decode/start-decoder-worker.ts";
export type { EncodedFrame, EncoderSettings, EncoderStats, RenditionSettings, TrackConfig } from "./encode/encoder-messages.ts";
export { MediaEncoder, type MediaEncoderHandlers } from "./encode/media-encoder.ts";
export { type BufferedFrame, JitterBuffer, type JitterBufferOptions, type JitterBufferStats, type PollResult } from "./jitter-buffer.ts";
export { JoinTimeline } from "./join-timeline.ts";
export { decodeLocProperties, encodeLocProperties, type LocProperties, LocProperty, LocPropertyError } from "./loc-properties.ts";
export type { ChannelSubscriber, GroupWriter, ReceivedObject, TrackReader, TrackWriter } from "./media-transport.ts";
export { channelSubscriber, channelTrackOpener, publishTracks } from "./moqt-session.ts";
export { PlayoutDelay, type PlayoutDelayOptions } from "./playout-delay.ts";
export { ChannelBroadcast, type ChannelBroadcastOptions } from "./publish/channel-broadcast.ts";
export { RateMeter } from "./rate-meter.ts";
export { formatBitrate, formatMs, percentile } from "./stats-format.ts";
export { defineStatsView, StatsView } from "./ui/stats-view.ts";
export {
  ChannelWatcher,
  type ChannelWatcherEvents,
  type ChannelWatcherOptions,
  type JoinStep,
  startRendition,
  type WatchedPlayer,
} from "./watch/channel-watcher.ts";
export { StopReason } from "./watch/stop-reason.ts";
