import { type Catalog, type CatalogTrack, encodeCatalog } from "../catalog.ts";
import { GroupSequence, PublisherPriority, TrackName } from "../channel.ts";
import type { EncodedFrame, TrackConfig } from "../encode/encoder-messages.ts";
import { encodeLocProperties } from "../loc-properties.ts";
import type { GroupWriter, TrackWriter } from "../media-transport.ts";

export interface ChannelBroadcastOptions {
  readonly title: string;
  readonly targetLatencyMs: number;
  /** Start time, ms since the Unix epoch: the first group ID of every track (MSF §6.1). */
  readonly startTimeMs: number;
  /** Tracks whose configuration must be known before the catalog goes out. */
  readonly tracks: readonly string[];
  /** Opens a published track with its publisher priority. */
  readonly openTrack: (name: string, priority: number) => TrackWriter;
}

/** docs/media-format.md "Media tracks": a new audio group every 50 Opus packets (1 s). */
const AUDIO_PACKETS_PER_GROUP = 50;

interface TrackState {
  readonly writer: TrackWriter;
  readonly groups: GroupSequence;
  group: GroupWriter | undefined;
  nextObject: bigint;
  config: TrackConfig | undefined;
}

/**
 * Maps encoded frames onto a channel's MOQT tracks as docs/media-format.md fixes it: one group per GOP (video) or per
 * 50 packets (audio), one object per frame in subgroup 0, LOC TIMESTAMP on every object and VIDEO_CONFIG on each video
 * group's first object; and the catalog, one independent catalog per group, published once every track's decoder
 * configuration is known and again when the title changes; `end()` publishes the final, empty catalog.
 */
export class ChannelBroadcast {
  readonly #options: ChannelBroadcastOptions;
  readonly #catalogTrack: TrackState;
  readonly #tracks = new Map<string, TrackState>();
  #title: string;
  #catalogPublished = false;
  /** After {@link end}: the encoders may still deliver frames and configs they had in flight; they are dropped. */
  #ended = false;

  constructor(options: ChannelBroadcastOptions) {
    this.#options = options;
    this.#title = options.title;
    this.#catalogTrack = this.#open(TrackName.catalog, PublisherPriority.catalog);
    for (const name of options.tracks) this.#tracks.set(name, this.#open(name, priorityOf(name)));
  }

  /** True once the catalog is out (every expected track has produced its first output). */
  get live(): boolean {
    return this.#catalogPublished;
  }

  config(config: TrackConfig): void {
    if (this.#ended) return;
    const track = this.#tracks.get(config.track);
    if (track === undefined) return;
    const changed = track.config !== undefined;
    track.config = config;
    // A track's new config (another microphone's format while live) reaches viewers through a new catalog.
    if (this.#catalogPublished ? changed : [...this.#tracks.values()].every((t) => t.config !== undefined)) this.#publishCatalog(false);
  }

  frame(frame: EncodedFrame): void {
    if (this.#ended) return;
    const track = this.#tracks.get(frame.track);
    // A track the session closed (its namespace withdrawn, the session ending) takes no more frames.
    if (track === undefined || track.writer.closed) return;
    const payload = new Uint8Array(frame.data);
    const timestampUs = BigInt(Math.round(frame.timestampUs));
    const isVideo = track.config?.role !== "audio" && frame.track !== TrackName.audio;
    const newGroup = isVideo ? frame.keyframe : track.group === undefined || track.nextObject >= AUDIO_PACKETS_PER_GROUP;
    if (newGroup) {
      track.group?.close();
      track.group = track.writer.startGroup(track.groups.next());
      track.nextObject = 0n;
    }
    // A delta frame before the first key frame has nothing to decode from.
    if (track.group === undefined) return;
    const description = track.config?.description;
    const videoConfig = isVideo && track.nextObject === 0n && description !== undefined ? new Uint8Array(description) : undefined;
    const properties = encodeLocProperties(videoConfig === undefined ? { timestampUs } : { timestampUs, videoConfig });
    track.group.write(track.nextObject, properties, payload);
    track.nextObject++;
  }

  setTitle(title: string): void {
    this.#title = title;
    if (this.#catalogPublished && !this.#ended) this.#publishCatalog(false);
  }

  /** Publishes the end-of-broadcast catalog (`isComplete`, no tracks) and closes every track. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#publishCatalog(true);
    for (const track of [...this.#tracks.values(), this.#catalogTrack]) {
      track.group?.close();
      track.writer.close();
    }
  }

  catalog(ended = false): Catalog {
    const tracks: CatalogTrack[] = [];
    if (!ended) {
      for (const [name, { config }] of this.#tracks) {
        if (config === undefined) continue;
        const initData = config.description === undefined ? {} : { initData: new Uint8Array(config.description) };
        if (config.role === "video") {
          tracks.push({
            name,
            role: "video",
            codec: config.codec,
            width: config.width ?? 0,
            height: config.height ?? 0,
            framerate: config.framerate ?? 30,
            bitrate: config.bitrate,
            ...initData,
          });
        } else {
          tracks.push({
            name,
            role: "audio",
            codec: config.codec,
            samplerate: config.samplerate ?? 48_000,
            channelConfig: String(config.channels ?? 2),
            bitrate: config.bitrate,
            ...initData,
          });
        }
      }
    }
    return { generatedAt: Date.now(), isComplete: ended, targetLatency: this.#options.targetLatencyMs, title: this.#title, tracks };
  }

  #publishCatalog(ended: boolean): void {
    const track = this.#catalogTrack;
    if (track.writer.closed) return;
    track.group?.close();
    track.group = track.writer.startGroup(track.groups.next());
    track.group.write(0n, [], encodeCatalog(this.catalog(ended)));
    this.#catalogPublished = true;
  }

  #open(name: string, priority: number): TrackState {
    return {
      writer: this.#options.openTrack(name, priority),
      groups: new GroupSequence(this.#options.startTimeMs),
      group: undefined,
      nextObject: 0n,
      config: undefined,
    };
  }
}

function priorityOf(track: string): number {
  if (track === TrackName.audio) return PublisherPriority.audio;
  if (track === TrackName.videoSd) return PublisherPriority.videoSd;
  return PublisherPriority.videoHd;
}
