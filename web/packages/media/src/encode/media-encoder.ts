import type {
  EncodedFrame,
  EncoderSettings,
  EncoderStats,
  FromEncoder,
  ReplaceSource,
  StartEncoding,
  TrackConfig,
} from "./encoder-messages.ts";

type TrackProcessorConstructor = new (init: {
  track: MediaStreamTrack;
  maxBufferSize?: number;
}) => {
  readonly readable: ReadableStream<unknown>;
};

export interface MediaEncoderHandlers {
  readonly frame: (frame: EncodedFrame) => void;
  readonly config: (config: TrackConfig) => void;
  readonly stats?: (stats: EncoderStats) => void;
  readonly error: (message: string) => void;
}

/**
 * Encodes a camera/microphone stream in a worker (WebCodecs off the main thread): the tracks' frames reach the worker
 * as transferred ReadableStreams from MediaStreamTrackProcessor.
 */
export class MediaEncoder {
  readonly #worker: Worker;
  #clones: MediaStreamTrack[] = [];
  /** Clones of replaced devices, oldest first, stopped once the worker has moved off them. */
  readonly #retired: MediaStreamTrack[][] = [];

  constructor(stream: MediaStream, settings: EncoderSettings, handlers: MediaEncoderHandlers) {
    const { video, audio } = this.#readables(stream);
    this.#worker = new Worker(new URL("./encoder-worker.ts", import.meta.url), { type: "module", name: "moqlive-encoder" });
    this.#worker.onmessage = (event: MessageEvent<FromEncoder>) => {
      const message = event.data;
      if (message.type === "frame") handlers.frame(message);
      else if (message.type === "config") handlers.config(message);
      else if (message.type === "stats") handlers.stats?.(message);
      else if (message.type === "replaced") for (const track of this.#retired.shift() ?? []) track.stop();
      else handlers.error(message.message);
    };
    this.#worker.onerror = (event) => handlers.error(`Encoder worker failed: ${event.message}`);
    const start: StartEncoding = audio === undefined ? { type: "start", settings, video } : { type: "start", settings, video, audio };
    this.#worker.postMessage(start, audio === undefined ? [video] : [video, audio]);
  }

  /**
   * Encodes another camera/microphone from now on (device change while live): the same tracks continue, video from a
   * new group that starts with a key frame. The previous devices' clones are stopped.
   */
  replaceSource(stream: MediaStream): void {
    const { video, audio } = this.#readables(stream);
    const message: ReplaceSource = audio === undefined ? { type: "source", video } : { type: "source", video, audio };
    this.#worker.postMessage(message, audio === undefined ? [video] : [video, audio]);
  }

  #readables(stream: MediaStream): { video: ReadableStream<VideoFrame>; audio: ReadableStream<AudioData> | undefined } {
    const videoTrack = stream.getVideoTracks()[0];
    if (videoTrack === undefined) throw new Error("The stream has no video track.");
    // mediacapture-transform; TypeScript's lib has only the worker-side shape without `track`.
    const Processor = (globalThis as unknown as { MediaStreamTrackProcessor?: TrackProcessorConstructor }).MediaStreamTrackProcessor;
    if (Processor === undefined) throw new Error("This browser lacks MediaStreamTrackProcessor (use Chrome or Edge).");
    // Stopping them now would end the worker's stream before it has the replacement.
    if (this.#clones.length > 0) this.#retired.push(this.#clones);
    // Clones: the preview keeps the original tracks, and stopping the encoder does not stop the preview.
    const videoClone = videoTrack.clone();
    const audioClone = stream.getAudioTracks()[0]?.clone();
    this.#clones = audioClone === undefined ? [videoClone] : [videoClone, audioClone];
    return {
      video: new Processor({ track: videoClone, maxBufferSize: 2 }).readable as ReadableStream<VideoFrame>,
      audio: audioClone === undefined ? undefined : (new Processor({ track: audioClone }).readable as ReadableStream<AudioData>),
    };
  }

  /** Stops reading; the worker flushes its encoders and exits. */
  stop(): void {
    this.#worker.postMessage({ type: "stop" });
    for (const track of [...this.#clones, ...this.#retired.flat()]) track.stop();
    // The worker closes itself after flushing; terminate in case it is stuck on a read.
    setTimeout(() => this.#worker.terminate(), 2000);
  }
}
