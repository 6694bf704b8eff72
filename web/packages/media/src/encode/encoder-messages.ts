/** Messages between the main thread and the encoder worker. */

export interface RenditionSettings {
  readonly track: string;
  readonly width: number;
  readonly height: number;
  readonly bitrate: number;
}

export interface EncoderSettings {
  readonly renditions: readonly RenditionSettings[];
  readonly framerate: number;
  readonly keyframeIntervalMs: number;
  readonly audioBitrate: number;
  /** Server clock − local clock, µs: capture timestamps are on the server's clock. */
  readonly clockOffsetUs: number;
  /** Codec strings to try in order (first supported wins); default H.264 High/Baseline, VP9, VP8. */
  readonly videoCodecs?: readonly string[];
}

export interface StartEncoding {
  readonly type: "start";
  readonly settings: EncoderSettings;
  readonly video: ReadableStream<VideoFrame>;
  readonly audio?: ReadableStream<AudioData>;
}

/** Another camera or microphone while live: the same tracks go on, video from a new group with a key frame. */
export interface ReplaceSource {
  readonly type: "source";
  readonly video: ReadableStream<VideoFrame>;
  readonly audio?: ReadableStream<AudioData>;
}

export interface StopEncoding {
  readonly type: "stop";
}

export type ToEncoder = StartEncoding | ReplaceSource | StopEncoding;

/** One encoded frame or Opus packet, with its capture time (µs, server clock). */
export interface EncodedFrame {
  readonly type: "frame";
  readonly track: string;
  readonly keyframe: boolean;
  readonly timestampUs: number;
  readonly data: ArrayBuffer;
}

/** A track's decoder configuration, known once its encoder produced the first output. */
export interface TrackConfig {
  readonly type: "config";
  readonly track: string;
  readonly role: "video" | "audio";
  readonly codec: string;
  readonly width?: number;
  readonly height?: number;
  readonly samplerate?: number;
  readonly channels?: number;
  readonly bitrate: number;
  readonly framerate?: number;
  readonly description?: ArrayBuffer;
}

export interface EncoderStats {
  readonly type: "stats";
  /** Frames read from the camera per second. */
  readonly fps: number;
  readonly droppedFrames: number;
  /** Camera/microphone changes while encoding. */
  readonly sourceChanges: number;
  readonly tracks: Record<string, { bitrate: number; encodeMs: number; frames: number }>;
}

export interface EncoderError {
  readonly type: "error";
  readonly message: string;
}

/** The worker moved to the new source: the previous devices' tracks may stop. */
export interface SourceReplaced {
  readonly type: "replaced";
}

export type FromEncoder = EncodedFrame | TrackConfig | EncoderStats | EncoderError | SourceReplaced;
