/// <reference lib="webworker" />
// Encoder worker: reads camera frames and microphone data (transferred ReadableStreams), encodes every video rendition
// and Opus, and posts encoded frames with capture timestamps to the main thread.
import { localNowUs } from "../clock-offset.ts";
import { RateMeter } from "../rate-meter.ts";
import { CaptureClock } from "./capture-clock.ts";
import type { EncoderSettings, FromEncoder, RenditionSettings, ToEncoder } from "./encoder-messages.ts";
import { SwitchableSource } from "./switchable-source.ts";
import { chooseVideoCodec, DEFAULT_VIDEO_CODECS, videoEncoderConfig } from "./video-codec.ts";

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(message: FromEncoder, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

interface Rendition {
  readonly settings: RenditionSettings;
  readonly encoder: VideoEncoder;
  readonly meter: RateMeter;
  readonly started: Map<number, number>;
  encodeMs: number;
  frames: number;
  configured: boolean;
}

let running = false;
let stopRequested = false;
let videoSource: SwitchableSource<VideoFrame> | undefined;
let audioSource: SwitchableSource<AudioData> | undefined;
let sourceChanges = 0;

scope.onmessage = (event: MessageEvent<ToEncoder>) => {
  const message = event.data;
  if (message.type === "stop") {
    stopRequested = true;
    return;
  }
  if (message.type === "source") {
    sourceChanges++;
    videoSource?.replace(message.video);
    if (message.audio !== undefined) audioSource?.replace(message.audio);
    post({ type: "replaced" });
    return;
  }
  if (running) return;
  running = true;
  run(message.settings, message.video, message.audio).catch((e: unknown) => post({ type: "error", message: errorText(e) }));
};

async function run(
  settings: EncoderSettings,
  video: ReadableStream<VideoFrame>,
  audio: ReadableStream<AudioData> | undefined,
): Promise<void> {
  let clock = new CaptureClock();
  const nowUs = () => localNowUs() + settings.clockOffsetUs;
  const top = settings.renditions[0];
  if (top === undefined) throw new Error("no video rendition configured");
  const codec = await chooseVideoCodec(
    settings.videoCodecs ?? DEFAULT_VIDEO_CODECS,
    top.width,
    top.height,
    top.bitrate,
    settings.framerate,
  );
  if (codec === undefined) throw new Error("This browser cannot encode H.264, VP9 or VP8 video with WebCodecs.");

  const renditions: Rendition[] = settings.renditions.map((r) => {
    const rendition: Rendition = {
      settings: r,
      meter: new RateMeter(),
      started: new Map(),
      encodeMs: 0,
      frames: 0,
      configured: false,
      encoder: new VideoEncoder({
        output: (chunk, metadata) => {
          const start = rendition.started.get(chunk.timestamp);
          rendition.started.delete(chunk.timestamp);
          if (start !== undefined) rendition.encodeMs = rendition.encodeMs * 0.9 + (performance.now() - start) * 0.1;
          if (!rendition.configured) {
            const config = metadata?.decoderConfig;
            const description = config?.description === undefined ? undefined : copyBytes(config.description);
            post({
              type: "config",
              track: r.track,
              role: "video",
              codec: config?.codec ?? codec,
              width: r.width,
              height: r.height,
              bitrate: r.bitrate,
              framerate: settings.framerate,
              ...(description === undefined ? {} : { description }),
            });
            rendition.configured = true;
          }
          const data = new ArrayBuffer(chunk.byteLength);
          chunk.copyTo(data);
          rendition.meter.add(performance.now(), chunk.byteLength);
          rendition.frames++;
          post({ type: "frame", track: r.track, keyframe: chunk.type === "key", timestampUs: clock.toWall(chunk.timestamp), data }, [data]);
        },
        error: (e) => post({ type: "error", message: `Video encoder (${r.track}): ${e.message}` }),
      }),
    };
    rendition.encoder.configure(videoEncoderConfig(codec, r.width, r.height, r.bitrate, settings.framerate));
    return rendition;
  });

  const audioStats = { meter: new RateMeter(), frames: 0 };
  audioSource = audio === undefined ? undefined : new SwitchableSource(audio);
  const audioTask = audioSource === undefined ? Promise.resolve() : encodeAudio(audioSource, settings, audioStats, nowUs);

  const cameraMeter = new RateMeter();
  let dropped = 0;
  let lastKeyUs = Number.NEGATIVE_INFINITY;
  const statsTimer = setInterval(() => {
    const now = performance.now();
    const tracks: Record<string, { bitrate: number; encodeMs: number; frames: number }> = {};
    for (const r of renditions) tracks[r.settings.track] = { bitrate: r.meter.bitsPerSecond(now), encodeMs: r.encodeMs, frames: r.frames };
    if (audio !== undefined) tracks.audio = { bitrate: audioStats.meter.bitsPerSecond(now), encodeMs: 0, frames: audioStats.frames };
    post({ type: "stats", fps: cameraMeter.perSecond(now), droppedFrames: dropped, sourceChanges, tracks });
  }, 500);

  const source = new SwitchableSource(video);
  videoSource = source;
  try {
    while (!stopRequested) {
      const read = await source.read();
      if (read === undefined) break;
      const frame = read.value;
      if (read.switched) {
        // Another camera: its media clock has its own base. Chunks still in the encoders map with the old clock, so
        // they leave first; then a new group starts with a key frame.
        await Promise.all(renditions.map((r) => r.encoder.flush().catch(() => {})));
        clock = new CaptureClock();
        lastKeyUs = Number.NEGATIVE_INFINITY;
      }
      clock.observe(frame.timestamp, nowUs());
      cameraMeter.add(performance.now());
      // One group per GOP: every rendition starts a GOP on the same frame.
      const keyFrame = frame.timestamp - lastKeyUs >= settings.keyframeIntervalMs * 1000;
      if (keyFrame) lastKeyUs = frame.timestamp;
      for (const r of renditions) {
        // Realtime: a backed-up encoder drops frames rather than queueing latency (a key frame is always encoded).
        if (r.encoder.encodeQueueSize > 2 && !keyFrame) {
          dropped++;
          continue;
        }
        r.started.set(frame.timestamp, performance.now());
        r.encoder.encode(frame, { keyFrame });
      }
      frame.close();
    }
  } finally {
    clearInterval(statsTimer);
    stopRequested = true;
    await source.cancel();
    await Promise.all(renditions.map((r) => r.encoder.flush().catch(() => {})));
    for (const r of renditions) r.encoder.close();
    await audioTask;
    scope.close();
  }
}

async function encodeAudio(
  audio: SwitchableSource<AudioData>,
  settings: EncoderSettings,
  stats: { meter: RateMeter; frames: number },
  nowUs: () => number,
): Promise<void> {
  let configured = false;
  let encoder: AudioEncoder | undefined;
  let encoderFormat = { sampleRate: 0, numberOfChannels: 0 };
  // Audio gets its own clock base: its media clock is not the camera's.
  let audioClock = new CaptureClock();
  try {
    while (!stopRequested) {
      const read = await audio.read();
      if (read === undefined) break;
      const data = read.value;
      if (read.switched && encoder !== undefined) {
        // Another microphone: flush what the old one produced (old clock), then encode it on a fresh clock base; a
        // different format needs a new encoder and a new decoder config (the catalog is published again).
        await encoder.flush().catch(() => {});
        audioClock = new CaptureClock();
        if (data.sampleRate !== encoderFormat.sampleRate || data.numberOfChannels !== encoderFormat.numberOfChannels) {
          encoder.close();
          encoder = undefined;
          configured = false;
        }
      }
      audioClock.observe(data.timestamp, nowUs());
      if (encoder === undefined) {
        const sampleRate = data.sampleRate;
        const numberOfChannels = data.numberOfChannels;
        encoderFormat = { sampleRate, numberOfChannels };
        if (numberOfChannels > 2) throw new Error(`The microphone has ${numberOfChannels} channels; Opus here takes mono or stereo.`);
        encoder = new AudioEncoder({
          output: (chunk, metadata) => {
            if (!configured) {
              const description = metadata?.decoderConfig?.description;
              post({
                type: "config",
                track: "audio",
                role: "audio",
                codec: "opus",
                samplerate: sampleRate,
                channels: numberOfChannels,
                bitrate: settings.audioBitrate,
                ...(description === undefined ? {} : { description: copyBytes(description) }),
              });
              configured = true;
            }
            const bytes = new ArrayBuffer(chunk.byteLength);
            chunk.copyTo(bytes);
            stats.meter.add(performance.now(), chunk.byteLength);
            stats.frames++;
            post({ type: "frame", track: "audio", keyframe: true, timestampUs: audioClock.toWall(chunk.timestamp), data: bytes }, [bytes]);
          },
          error: (e) => post({ type: "error", message: `Audio encoder: ${e.message}` }),
        });
        // docs/media-format.md: one Opus packet per object, 20 ms.
        encoder.configure({ codec: "opus", sampleRate, numberOfChannels, bitrate: settings.audioBitrate, opus: { frameDuration: 20_000 } });
      }
      encoder.encode(data);
      data.close();
    }
  } finally {
    await audio.cancel();
    if (encoder !== undefined) {
      await encoder.flush().catch(() => {});
      encoder.close();
    }
  }
}

function copyBytes(source: AllowSharedBufferSource): ArrayBuffer {
  const view =
    source instanceof ArrayBuffer || source instanceof SharedArrayBuffer
      ? new Uint8Array(source)
      : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  return view.slice().buffer;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
