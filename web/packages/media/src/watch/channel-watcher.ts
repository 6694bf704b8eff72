import {
  type AudioTrack,
  type Catalog,
  CatalogError,
  audioTrack as findAudio,
  parseCatalog,
  type VideoTrack,
  videoRenditions,
} from "../catalog.ts";
import { TrackName } from "../channel.ts";
import type { MediaPlayer } from "../decode/media-player.ts";
import { decodeLocProperties } from "../loc-properties.ts";
import type { ChannelSubscriber, TrackReader } from "../media-transport.ts";
import { RateAdaptation, type RateAdaptationOptions } from "./rate-adaptation.ts";

/** Waits before re-subscribing a media track the publisher ended while the channel went on (doubling per refusal). */
const REJOIN_FIRST_WAIT_MS = 250;
const REJOIN_MAX_WAIT_MS = 4000;

export interface ChannelWatcherEvents {
  readonly catalog?: (catalog: Catalog) => void;
  /** The publisher ended the broadcast (final catalog) or the catalog track ended. */
  readonly ended?: (reason: string) => void;
  readonly error?: (message: string) => void;
  readonly rendition?: (track: string, automatic: boolean) => void;
  /** Join progress, each step once per watcher (for a JoinTimeline). */
  readonly step?: (step: JoinStep) => void;
}

/**
 * `catalog-subscribed`: the catalog subscription (and its joining FETCH) is set up; `catalog`: the first catalog
 * arrived; `video-subscribed` / `audio-subscribed`: the media subscription in use is set up; `video-object` /
 * `audio-object`: its first object went to the player.
 */
export type JoinStep = "catalog-subscribed" | "catalog" | "video-subscribed" | "audio-subscribed" | "video-object" | "audio-object";

/** What the watcher drives: a {@link MediaPlayer}. */
export type WatchedPlayer = Pick<MediaPlayer, "videoTrack" | "setVideo" | "setAudio" | "push">;

export interface ChannelWatcherOptions {
  /** Monotonic clock in ms (default `performance.now`). */
  readonly now?: () => number;
  readonly rateAdaptation?: Partial<RateAdaptationOptions>;
  /**
   * The channel's catalog as the page got it before joining (`moqlive serve` puts the relay's current one in the page):
   * the watcher subscribes to the tracks it names and sets the player up for them at once, instead of guessing the track
   * names and configuring the player only when the catalog subscription delivers (issue 5). The catalog track's objects
   * follow as usual, and a newer catalog changes what plays as any later catalog does. Ignored if it ends the broadcast.
   */
  readonly catalog?: Catalog;
}

/**
 * The video rendition playback starts on: with automatic switching the lowest (nothing is known about the path at the
 * start: RateAdaptation switches up on evidence of headroom; starting high on a slow link queues the joining group and
 * the live data behind it for seconds, testbed 3g: 1.4-2.2 s latency in the first 4 s, whereas starting low on a fast
 * link costs a few seconds of picture quality, not latency), else the highest.
 */
export function startRendition(catalog: Catalog, automatic: boolean): VideoTrack | undefined {
  const renditions = videoRenditions(catalog);
  return automatic ? renditions.at(-1) : renditions[0];
}

/**
 * Watches one channel: subscribes to the catalog (joining, so the current catalog arrives at once) and, in the same
 * moment, to the low video rendition and the audio track of docs/media-format.md; once the catalog says which tracks
 * to play it keeps those subscriptions (or subscribes to others), video with a joining FETCH from the current group's
 * key frame, and feeds LOC objects to the player. Switches renditions on request, or automatically, down and up, as
 * {@link RateAdaptation} decides from the arrival of live video objects and the player's late frames (at a group
 * boundary, through the player's RenditionSplice).
 */
export class ChannelWatcher {
  readonly #subscriber: ChannelSubscriber;
  readonly #player: WatchedPlayer;
  readonly #events: ChannelWatcherEvents;
  #catalog: Catalog | undefined;
  #catalogReader: TrackReader | undefined;
  /** Video subscriptions by track: the playing rendition's and, during a switch, the next one's. */
  readonly #videoReaders = new Map<string, TrackReader>();
  #audio: TrackReader | undefined;
  #audioPlaying: AudioTrack | undefined;
  #playing: VideoTrack | undefined;
  #closed = false;
  /** A {@link #rejoin} is running; another track ended while it did. */
  #rejoining = false;
  #rejoinAgain = false;
  #auto = true;
  readonly #now: () => number;
  readonly #adaptation: RateAdaptation;
  /** Subscriptions requested before the catalog arrived, by track name; taken by the first catalog or closed. */
  readonly #early = new Map<string, Promise<TrackReader | undefined>>();
  /** The page's catalog (ChannelWatcherOptions.catalog), if it can start playback. */
  readonly #pageCatalog: Catalog | undefined;
  /** Catalogs are followed one after another: the page's, then each one the catalog track delivers. */
  #following: Promise<void> = Promise.resolve();

  constructor(
    subscriber: ChannelSubscriber,
    player: WatchedPlayer,
    events: ChannelWatcherEvents = {},
    options: ChannelWatcherOptions = {},
  ) {
    this.#subscriber = subscriber;
    this.#player = player;
    this.#events = events;
    this.#now = options.now ?? (() => performance.now());
    this.#adaptation = new RateAdaptation(options.rateAdaptation);
    this.#pageCatalog = options.catalog?.isComplete === false ? options.catalog : undefined;
  }

  get catalog(): Catalog | undefined {
    return this.#catalog;
  }

  /** Subscribes to the catalog and follows it until the broadcast ends; resolves when the catalog track ends. */
  async run(): Promise<void> {
    // Pipelined start: media subscriptions do not wait for the catalog's round trips (and, at a relay that does not
    // carry the track yet, for the upstream subscribe); a failed guess costs nothing but the request.
    // Video starts from the current group's key frame (joining FETCH, fast start); audio at the live edge: the player
    // holds audio until video has caught up to it, so a fetched audio backlog would only be decoded to be dropped.
    // Video starts on the low rendition (startRendition): that is the guess without the page's catalog.
    const known = this.#pageCatalog;
    const early: [string | undefined, boolean][] =
      known === undefined
        ? [
            [TrackName.videoSd, true],
            [TrackName.audio, false],
          ]
        : [
            [startRendition(known, this.#auto)?.name, true],
            [findAudio(known)?.name, false],
          ];
    for (const [name, joining] of early) {
      if (name !== undefined)
        this.#early.set(
          name,
          this.#subscriber.subscribe(name, joining).catch(() => undefined),
        );
    }
    if (known !== undefined) {
      // The page's catalog starts playback now; the catalog subscription goes out beside its tracks' requests.
      this.#catalog = known;
      this.#events.catalog?.(known);
      this.#followInTurn(known).catch((e: unknown) => {
        // A stale page catalog (a track the publisher no longer has): the catalog track's own objects start playback.
        this.#playing = undefined;
        this.#events.error?.(`Cannot start from the page's catalog: ${e instanceof Error ? e.message : String(e)}`);
      });
    }
    try {
      await this.#followCatalog();
    } finally {
      this.#dropEarly();
    }
  }

  async #followCatalog(): Promise<void> {
    this.#catalogReader = await this.#subscriber.subscribe(TrackName.catalog, true);
    this.#events.step?.("catalog-subscribed");
    for await (const object of this.#catalogReader) {
      if (this.#closed) return;
      let catalog: Catalog;
      try {
        catalog = parseCatalog(object.payload);
      } catch (e) {
        this.#events.error?.(e instanceof CatalogError ? `The channel's catalog is invalid: ${e.message}` : String(e));
        continue;
      }
      this.#catalog = catalog;
      this.#events.step?.("catalog");
      this.#events.catalog?.(catalog);
      if (catalog.isComplete) {
        this.#events.ended?.("The streamer ended the broadcast.");
        this.#stopMedia();
        return;
      }
      await this.#followInTurn(catalog);
      this.#dropEarly();
    }
    if (!this.#closed) this.#events.ended?.("The channel ended.");
  }

  /** {@link #follow} after the catalogs before it: a subscription one of them is opening is not opened twice. */
  #followInTurn(catalog: Catalog): Promise<void> {
    const next = this.#following.then(() => (this.#closed ? undefined : this.#follow(catalog)));
    this.#following = next.catch(() => {});
    return next;
  }

  /** Switches to a rendition by track name; `auto` re-enables automatic switching. */
  async switchRendition(track: string | "auto"): Promise<void> {
    this.#auto = track === "auto";
    const catalog = this.#catalog;
    if (catalog === undefined || track === "auto") return;
    const rendition = videoRenditions(catalog).find((r) => r.name === track);
    if (rendition !== undefined && rendition.name !== this.#playing?.name) await this.#playVideo(rendition, false);
  }

  /** Feeds player stats (the cumulative late-frame counter): frames arriving late repeatedly move playback down. */
  observeLateFrames(lateFrames: number, nowMs: number): void {
    this.#adaptation.observeLateFrames(lateFrames, nowMs);
    this.#adapt(nowMs);
  }

  /** With automatic switching on, starts the switch the rate adaptation asks for, if any. */
  #adapt(nowMs: number): void {
    const playing = this.#playing;
    if (!this.#auto || this.#catalog === undefined || playing === undefined) return;
    const target = this.#adaptation.decide(nowMs, videoRenditions(this.#catalog), playing.name);
    if (target === undefined) return;
    const rendition = videoRenditions(this.#catalog).find((r) => r.name === target.name);
    if (rendition !== undefined) void this.#playVideo(rendition, true);
  }

  close(): void {
    this.#closed = true;
    this.#catalogReader?.close();
    this.#dropEarly();
    this.#stopMedia();
  }

  async #follow(catalog: Catalog): Promise<void> {
    const renditions = videoRenditions(catalog);
    const current = renditions.find((r) => r.name === this.#playing?.name);
    // A later catalog (title change, restarted publisher) keeps the current rendition; VIDEO_CONFIG on each group's
    // first object carries a changed decoder description. Only a new codec needs a reconfiguration.
    const start = startRendition(catalog, this.#auto);
    const video = current === undefined || current.codec !== this.#playing?.codec ? (current ?? start) : undefined;
    await Promise.all([video === undefined ? undefined : this.#playVideo(video, false), this.#followAudio(catalog)]);
  }

  async #followAudio(catalog: Catalog): Promise<void> {
    const audio = findAudio(catalog);
    const playing = this.#audioPlaying;
    const same =
      playing !== undefined &&
      playing.name === audio?.name &&
      playing.codec === audio.codec &&
      playing.samplerate === audio.samplerate &&
      playing.channelConfig === audio.channelConfig;
    if (audio !== undefined && (!same || this.#audio === undefined)) {
      await this.#player.setAudio(audio);
      this.#audioPlaying = audio;
      const reader = await this.#open(audio.name, false);
      if (this.#closed || this.#audioPlaying !== audio) {
        reader.close();
        return;
      }
      this.#audio?.close();
      this.#audio = reader;
      this.#events.step?.("audio-subscribed");
      void this.#pump(this.#audio, audio.name, false);
    }
  }

  async #playVideo(rendition: VideoTrack, automatic: boolean): Promise<void> {
    const previous = this.#playing;
    this.#playing = rendition;
    // The joining FETCH's backlog arrives behind its playout time and the new rendition starts at its next key frame:
    // neither is a reason to switch again.
    this.#adaptation.switched(this.#now());
    // Make before break: the playing rendition's subscription stays until the player has switched at a key frame of
    // the new one, so the picture never stops (RenditionSplice).
    const switched = this.#player.setVideo(rendition);
    let reader: TrackReader;
    try {
      reader = await this.#open(rendition.name, true);
    } catch (e) {
      // Refused: the rendition that plays (if any) goes on.
      if (this.#playing === rendition) this.#playing = previous;
      throw e;
    }
    this.#events.step?.("video-subscribed");
    if (this.#closed || this.#playing !== rendition) {
      reader.close();
      return;
    }
    this.#videoReaders.get(rendition.name)?.close();
    this.#videoReaders.set(rendition.name, reader);
    void this.#pump(reader, rendition.name, true);
    void switched.then((done) => {
      if (!done || this.#closed) return;
      for (const [name, old] of this.#videoReaders) {
        if (name === rendition.name) continue;
        old.close();
        this.#videoReaders.delete(name);
      }
      this.#events.rendition?.(rendition.name, automatic);
    });
  }

  /** A subscription to `track`: the one requested before the catalog came, if any and if it succeeded. */
  async #open(track: string, joining: boolean): Promise<TrackReader> {
    const early = this.#early.get(track);
    this.#early.delete(track);
    return (await early) ?? (await this.#subscriber.subscribe(track, joining));
  }

  /** Closes the early subscriptions the catalog did not ask for. */
  #dropEarly(): void {
    for (const early of this.#early.values()) void early.then((reader) => reader?.close());
    this.#early.clear();
  }

  async #pump(reader: TrackReader, track: string, video: boolean): Promise<void> {
    let first = true;
    try {
      for await (const object of reader) {
        if (this.#closed) return;
        if (object.payload.length === 0) continue;
        if (first) this.#events.step?.(video ? "video-object" : "audio-object");
        first = false;
        const loc = decodeLocProperties(object.properties);
        if (video && object.fetched !== true) {
          const now = this.#now();
          this.#adaptation.observe(now, Number(loc.timestampUs), object.payload.length, object.objectId === 0n);
          this.#adapt(now);
        }
        const data = object.payload.slice().buffer;
        this.#player.push({
          track,
          // docs/media-format.md: each video group starts with its key frame, object 0.
          keyframe: !video || object.objectId === 0n,
          fetched: object.fetched === true,
          timestampUs: Number(loc.timestampUs),
          data,
          ...(loc.videoConfig === undefined ? {} : { videoConfig: loc.videoConfig.slice().buffer }),
        });
      }
    } catch (e) {
      // A retired rendition's or audio track's subscription may end with an error when it is closed: not a problem.
      const active = video ? this.#videoReaders.get(track) === reader : this.#audio === reader;
      if (!this.#closed && active) this.#events.error?.(`Track ${track}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.#trackEnded(reader, track, video);
  }

  /**
   * The publisher ended a media track (PUBLISH_DONE) that is still in use while the catalog goes on: the relay gave up
   * waiting for a reconnecting publisher (its grace period), or a reloaded streamer restarted its tracks. Forget the
   * subscription and subscribe again from the newest catalog, retrying while it is refused, until the watcher closes
   * or the broadcast ends. A rendition closed by a switch or by {@link close} is not in use and is left alone.
   */
  #trackEnded(reader: TrackReader, track: string, video: boolean): void {
    if (this.#closed) return;
    if (video) {
      if (this.#videoReaders.get(track) !== reader) return;
      this.#videoReaders.delete(track);
      if (this.#playing?.name === track) this.#playing = undefined;
    } else {
      if (this.#audio !== reader) return;
      this.#audio = undefined;
    }
    if (this.#rejoining) this.#rejoinAgain = true;
    else void this.#rejoin();
  }

  async #rejoin(): Promise<void> {
    this.#rejoining = true;
    try {
      for (let waitMs = REJOIN_FIRST_WAIT_MS; ; waitMs = Math.min(waitMs * 2, REJOIN_MAX_WAIT_MS)) {
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        const catalog = this.#catalog;
        if (this.#closed || catalog === undefined || catalog.isComplete) return;
        try {
          this.#rejoinAgain = false;
          await this.#followInTurn(catalog);
          // Another track that ended while this one was followed may have been missed.
          if (!this.#rejoinAgain) return;
          waitMs = REJOIN_FIRST_WAIT_MS / 2;
        } catch {
          // Refused (the publisher is not back yet): wait longer and try again.
        }
      }
    } finally {
      this.#rejoining = false;
    }
  }

  #stopMedia(): void {
    for (const reader of this.#videoReaders.values()) reader.close();
    this.#videoReaders.clear();
    this.#audio?.close();
    this.#audio = undefined;
  }
}
