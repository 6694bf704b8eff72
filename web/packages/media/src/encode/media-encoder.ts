import type { EncodedFrame, EncoderSettings, EncoderStats, FromEncoder, StartEncoding, TrackConfig } from "./encoder-messages.ts";

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

  constructor(stream: MediaStream, settings: EncoderSettings, handlers: MediaEncoderHandlers) {
    const videoTrack = stream.getVideoTracks()[0];
    if (videoTrack === undefined) throw new Error("The stream has no video track.");
    // mediacapture-transform; TypeScript's lib has only the worker-side shape without `track`.
    const Processor = (globalThis as unknown as { MediaStreamTrackProcessor?: TrackProcessorConstructor }).MediaStreamTrackProcessor;
    if (Processor === undefined) throw new Error("This browser lacks MediaStreamTrackProcessor (use Chrome or Edge).");
    // Clones: the preview keeps the original tracks, and stopping the encoder does not stop the preview.
    const video = new Processor({ track: videoTrack.clone(), maxBufferSize: 2 }).readable as ReadableStream<VideoFrame>;
    const audioTrack = stream.getAudioTracks()[0];
    const audio =
      audioTrack === undefined ? undefined : (new Processor({ track: audioTrack.clone() }).readable as ReadableStream<AudioData>);
    this.#worker = new Worker(new URL("./encoder-worker.ts", import.meta.url), { type: "module", name: "moqlive-encoder" });
    this.#worker.onmessage = (event: MessageEvent<FromEncoder>) => {
      const message = event.data;
      if (message.type === "frame") handlers.frame(message);
      else if (message.type === "config") handlers.config(message);
      else if (message.type === "stats") handlers.stats?.(message);
      else handlers.error(message.message);
    };
    this.#worker.onerror = (event) => handlers.error(`Encoder worker failed: ${event.message}`);
    const start: StartEncoding = audio === undefined ? { type: "start", settings, video } : { type: "start", settings, video, audio };
    this.#worker.postMessage(start, audio === undefined ? [video] : [video, audio]);
  }

  /** Stops reading; the worker flushes its encoders and exits. */
  stop(): void {
    this.#worker.postMessage({ type: "stop" });
    // The worker closes itself after flushing; terminate in case it is stuck on a read.
    setTimeout(() => this.#worker.terminate(), 2000);
  }
}
