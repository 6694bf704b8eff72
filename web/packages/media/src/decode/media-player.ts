import type { AudioTrack, VideoTrack } from "../catalog.ts";
import audioWorkletUrl from "./audio-worklet.ts?worker&url";
import type { ConfigureTrack, FromDecoder, MediaObject, PlayerStats, PreparedVideo, ToDecoder } from "./decoder-messages.ts";
import { startDecoderWorker } from "./start-decoder-worker.ts";

/** What the AudioWorklet reports: sample frames played, underruns, frames dropped to stay in sync, and its queue. */
export interface AudioOutputStats {
  readonly audioFramesPlayed: number;
  readonly audioUnderruns: number;
  readonly audioDropped: number;
  /** How long decoded audio waits in the worklet before it plays (how far it trails its video), ms. */
  readonly audioQueuedMs: number;
}

export interface MediaPlayerOptions {
  readonly canvas: HTMLCanvasElement;
  readonly targetLatencyMs: number;
  readonly clockOffsetUs: number;
  readonly onStats?: (stats: PlayerStats & AudioOutputStats) => void;
  readonly onError?: (message: string) => void;
  /**
   * A decoder worker started ahead ({@link startDecoderWorker}, e.g. as the page loads), taken over by this player;
   * default: a new one.
   */
  readonly worker?: Worker;
  /** The decoder worker's start-up steps (DecoderStep), at ms since the Unix epoch: for a join timeline. */
  readonly onStep?: (step: string, epochMs: number) => void;
  /**
   * The video rendition playback will most likely start on, known before the catalog is subscribed (e.g. from the
   * page `moqlive serve` served): the worker configures its decoder and warms its canvas up with it as it starts.
   */
  readonly expectedVideo?: VideoTrack;
}

/** An AudioContext as the player wants it: 48 kHz (Opus decodes at that rate: no resampling), interactive latency. */
export function createPlayerAudioContext(): AudioContext {
  return new AudioContext({ sampleRate: 48_000, latencyHint: "interactive" });
}

/**
 * Plays one channel: a decoder worker (jitter buffers, WebCodecs, drawing to the canvas transferred to it) and, once
 * {@link MediaPlayer.startAudio} has been called, an AudioWorklet fed directly by the worker.
 */
export class MediaPlayer {
  readonly #worker: Worker;
  readonly #onStep: ((step: string, epochMs: number) => void) | undefined;
  readonly #onError: ((message: string) => void) | undefined;
  #audio: AudioContext | undefined;
  #closed = false;
  #node: AudioWorkletNode | undefined;
  #audioOutput: AudioOutputStats = { audioFramesPlayed: 0, audioUnderruns: 0, audioDropped: 0, audioQueuedMs: 0 };
  #videoTrack: string | undefined;
  /** The rendition asked for last and what its switch promise resolves with. */
  #videoRequest: { track: string; resolve: (switched: boolean) => void } | undefined;

  constructor(options: MediaPlayerOptions) {
    this.#worker = options.worker ?? startDecoderWorker();
    this.#worker.onmessage = (event: MessageEvent<FromDecoder>) => {
      const message = event.data;
      if (message.type === "stats") {
        options.onStats?.({ ...message, ...this.#audioOutput });
      } else if (message.type === "step") {
        options.onStep?.(message.step, message.atMs);
      } else if (message.type === "switched") {
        this.#videoTrack = message.track;
        if (this.#videoRequest?.track === message.track) {
          this.#videoRequest.resolve(true);
          this.#videoRequest = undefined;
        }
      } else options.onError?.(message.message);
    };
    this.#worker.onerror = (event) => options.onError?.(`Decoder worker failed: ${event.message}`);
    this.#onStep = options.onStep;
    this.#onError = options.onError;
    const offscreen = options.canvas.transferControlToOffscreen();
    const video = options.expectedVideo === undefined ? undefined : preparedVideo(options.expectedVideo);
    // The worker starts at once: video does not wait for the audio output (startAudio; its port follows).
    this.#send(
      {
        type: "init",
        canvas: offscreen,
        targetLatencyMs: options.targetLatencyMs,
        clockOffsetUs: options.clockOffsetUs,
        ...(video === undefined ? {} : { video }),
      },
      video?.description === undefined ? [offscreen] : [offscreen, video.description],
    );
  }

  /**
   * Plays audio through `context` (taken over and closed with the player; see {@link createPlayerAudioContext}): loads
   * the AudioWorklet and hands the worker its port. Decoded audio is dropped until then. Creating an AudioContext and
   * its first AudioWorklet takes the main thread for 20–350 ms (Chromium's audio output set-up; BENCHMARKS.md), so a
   * page may start video first and call this once the picture is up. Steps `audio-worklet` (module loaded) and
   * `audio-output` (node connected) go to `onStep`.
   */
  startAudio(context: AudioContext): void {
    if (this.#closed || this.#audio !== undefined) {
      void context.close().catch(() => {});
      return;
    }
    this.#audio = context;
    void context.audioWorklet.addModule(audioWorkletUrl).then(
      () => {
        if (this.#closed) return;
        this.#onStep?.("audio-worklet", performance.timeOrigin + performance.now());
        const node = new AudioWorkletNode(context, "moqlive-player", { numberOfInputs: 0, outputChannelCount: [2] });
        node.connect(context.destination);
        node.port.onmessage = (
          event: MessageEvent<{ type: "played"; frames: number; underruns: number; dropped: number; queuedMs: number }>,
        ) => {
          const { frames, underruns, dropped, queuedMs } = event.data;
          this.#audioOutput = { audioFramesPlayed: frames, audioUnderruns: underruns, audioDropped: dropped, audioQueuedMs: queuedMs };
        };
        const channel = new MessageChannel();
        node.port.postMessage({ type: "port", port: channel.port1 }, [channel.port1]);
        this.#node = node;
        this.#send({ type: "audio-output", port: channel.port2 }, [channel.port2]);
        this.#onStep?.("audio-output", performance.timeOrigin + performance.now());
      },
      (e: unknown) => {
        this.#onError?.(`Audio output unavailable (${e instanceof Error ? e.message : String(e)}); playing video only.`);
      },
    );
    void context.resume().catch(() => {});
  }

  /** The rendition feeding the decoder. */
  get videoTrack(): string | undefined {
    return this.#videoTrack;
  }

  /**
   * Plays this video rendition: the first at once, a later one from its first key frame ahead of what is playing (the
   * current rendition plays until then, see RenditionSplice). Resolves true once the decoder is fed from it, false when
   * another rendition was asked for first or the player closed.
   */
  setVideo(track: VideoTrack): Promise<boolean> {
    this.#videoRequest?.resolve(false);
    const switched = new Promise<boolean>((resolve) => {
      this.#videoRequest = { track: track.name, resolve };
    });
    this.#configure({
      type: "configure",
      role: "video",
      track: track.name,
      codec: track.codec,
      width: track.width,
      height: track.height,
      ...description(track.initData),
    });
    return switched;
  }

  setAudio(track: AudioTrack): void {
    const channels = Number.parseInt(track.channelConfig, 10);
    this.#configure({
      type: "configure",
      role: "audio",
      track: track.name,
      codec: track.codec,
      samplerate: track.samplerate,
      channels: Number.isFinite(channels) && channels > 0 ? channels : 2,
      ...description(track.initData),
    });
  }

  /** Hands a received object to the worker (its payload buffer is transferred). */
  push(object: Omit<MediaObject, "type">): void {
    const transfer: Transferable[] = [object.data];
    if (object.videoConfig !== undefined) transfer.push(object.videoConfig);
    this.#send({ type: "object", ...object }, transfer);
  }

  setTargetLatency(ms: number): void {
    this.#send({ type: "target", targetLatencyMs: ms });
  }

  setClockOffset(us: number): void {
    this.#send({ type: "clock", clockOffsetUs: us });
  }

  close(): void {
    this.#videoRequest?.resolve(false);
    this.#videoRequest = undefined;
    this.#closed = true;
    this.#worker.terminate();
    this.#node?.disconnect();
    void this.#audio?.close().catch(() => {});
  }

  #configure(message: ConfigureTrack): void {
    const transfer = message.description === undefined ? [] : [message.description];
    this.#send(message, transfer);
  }

  #send(message: ToDecoder, transfer: Transferable[] = []): void {
    this.#worker.postMessage(message, transfer);
  }
}

function preparedVideo(track: VideoTrack): PreparedVideo {
  return { codec: track.codec, width: track.width, height: track.height, ...description(track.initData) };
}

function description(initData: Uint8Array | undefined): { description?: ArrayBuffer } {
  return initData === undefined ? {} : { description: initData.slice().buffer };
}
