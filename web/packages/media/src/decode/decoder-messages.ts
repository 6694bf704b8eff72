/** Messages between the main thread and the decoder worker. */

export interface InitDecoder {
  readonly type: "init";
  readonly canvas: OffscreenCanvas;
  readonly targetLatencyMs: number;
  readonly clockOffsetUs: number;
  /**
   * The video the player expects (the catalog's start rendition, known before any track is subscribed, e.g. from the
   * page): the worker configures its VideoDecoder and sizes and warms up its canvas with it at once, so neither the
   * decoder's initialisation nor the warm-up is left for when the first key frame arrives (issue 5). Playback still
   * starts only with a "configure".
   */
  readonly video?: PreparedVideo;
}

/** What the decoder worker prepares before the first "configure": see {@link InitDecoder.video}. */
export interface PreparedVideo {
  readonly codec: string;
  readonly description?: ArrayBuffer;
  readonly width?: number;
  readonly height?: number;
}

/** The AudioWorklet node's port, once its module has loaded: decoded PCM goes straight from the worker to the audio thread. */
export interface AudioOutput {
  readonly type: "audio-output";
  readonly port: MessagePort;
}

export interface ConfigureTrack {
  readonly type: "configure";
  readonly role: "video" | "audio";
  readonly track: string;
  readonly codec: string;
  readonly description?: ArrayBuffer;
  /** Video: the catalog's picture size, so the canvas is sized (and its drawing path set up) before the first frame. */
  readonly width?: number;
  readonly height?: number;
  readonly samplerate?: number;
  readonly channels?: number;
}

export interface MediaObject {
  readonly type: "object";
  readonly track: string;
  /** The first object of a video group is its key frame. */
  readonly keyframe: boolean;
  /** From a joining FETCH (the backlog before the live edge): played, but its lateness is not arrival jitter. */
  readonly fetched: boolean;
  readonly timestampUs: number;
  readonly videoConfig?: ArrayBuffer;
  readonly data: ArrayBuffer;
}

export interface SetTargetLatency {
  readonly type: "target";
  readonly targetLatencyMs: number;
}

export interface SetClockOffset {
  readonly type: "clock";
  readonly clockOffsetUs: number;
}

export type ToDecoder = InitDecoder | AudioOutput | ConfigureTrack | MediaObject | SetTargetLatency | SetClockOffset;

export interface PlayerStats {
  readonly type: "stats";
  /** Glass-to-glass latency of the newest rendered frame, ms (now + clock offset − TIMESTAMP). */
  readonly latencyMs: number | undefined;
  /** Latencies of the frames rendered since the previous stats message, ms. */
  readonly latencySamplesMs: number[];
  /** Current playout delay (what the jitter buffer waits), ms. */
  readonly delayMs: number;
  /** Buffered capture time (video), ms. */
  readonly bufferMs: number;
  readonly fps: number;
  readonly videoBitrate: number;
  readonly audioBitrate: number;
  readonly framesDecoded: number;
  readonly framesRendered: number;
  readonly audioFramesDecoded: number;
  readonly lateFrames: number;
  readonly droppedFrames: number;
  readonly rendition: string | undefined;
  readonly width: number;
  readonly height: number;
  /** The video decoder's state and queue (diagnostics). */
  readonly decoderState: string;
  readonly decodeQueueSize: number;
  /** When the first frame was rendered: ms since the Unix epoch, local clock. */
  readonly firstFrameAt: number | undefined;
  /** The newest rendition switch: ms between the old rendition's last rendered frame and the new one's first. */
  readonly switchGapMs: number | undefined;
  /** When the first video object reached the worker, the first went to the decoder and the first came out (same clock). */
  readonly firstObjectAt: number | undefined;
  readonly firstDecodeAt: number | undefined;
  readonly firstOutputAt: number | undefined;
  /** Video objects the worker discarded before it accepted the first one, by reason (join diagnostics). */
  readonly droppedBeforeFirstObject: Readonly<Record<string, number>>;
}

export interface DecoderError {
  readonly type: "error";
  readonly message: string;
}

/** The video rendition now feeding the decoder (after a switch reached its key frame). */
export interface VideoSwitched {
  readonly type: "switched";
  readonly track: string;
}

/**
 * A step of the worker's start, for the join timeline: `decoder-thread` (its global scope created), `decoder-script`
 * (its module runs), `decoder-init` (the "init" message), `decoder-prepare` (its prepared video: VideoDecoder configured
 * with the page's catalog), `decoder-configure` / `decoder-configured` (the first video
 * "configure" handled), `decoder-object` (the first object message arrived), `warm-up-path` / `-done` and
 * `warm-up-size` / `-done` (the canvas warm-ups, see CanvasWarmUp).
 */
export interface DecoderStep {
  readonly type: "step";
  readonly step: string;
  /** When: ms since the Unix epoch, local clock (the worker's `performance.now()` has another origin). */
  readonly atMs: number;
}

export type FromDecoder = PlayerStats | DecoderError | VideoSwitched | DecoderStep;

/** Messages to the AudioWorklet: planar PCM, or a flush. */
export type ToAudioWorklet = { readonly type: "pcm"; readonly channels: Float32Array[] } | { readonly type: "flush" };
