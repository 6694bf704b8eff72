/// <reference lib="webworker" />
// Decoder worker: jitter buffers per track on a shared playout delay, WebCodecs decode, video drawn to the transferred
// OffscreenCanvas at its playout time, audio PCM posted to the AudioWorklet. Stats go to the main thread.
import { localNowUs } from "../clock-offset.ts";
import { type BufferedFrame, JitterBuffer } from "../jitter-buffer.ts";
import { PlayoutDelay } from "../playout-delay.ts";
import { RateMeter } from "../rate-meter.ts";
import { CanvasWarmUp, type WarmUpStep } from "./canvas-warm-up.ts";
import type {
  ConfigureTrack,
  FromDecoder,
  InitDecoder,
  MediaObject,
  PreparedVideo,
  ToAudioWorklet,
  ToDecoder,
} from "./decoder-messages.ts";
import { PlayoutTimer } from "./playout-timer.ts";
import { RenditionSplice } from "./rendition-splice.ts";

const scope = self as unknown as DedicatedWorkerGlobalScope;

/** Frames queued in the video decoder beyond which delta frames are dropped until the next key frame. */
const MAX_DECODE_BACKLOG = 8;
/** The side of the black frame the canvas warm-up draws (warmUpCanvas), pixels. */
const WARM_UP_FRAME = 16;

interface Encoded {
  readonly track: string;
  readonly data: ArrayBuffer;
  readonly videoConfig: ArrayBuffer | undefined;
}

let init: InitDecoder | undefined;
let context: OffscreenCanvasRenderingContext2D | null = null;
let audioPort: MessagePort | undefined;
let clockOffsetUs = 0;
let delay = new PlayoutDelay({ targetLatencyUs: 150_000 });
let videoBuffer = new JitterBuffer<Encoded>(delay);
let audioBuffer = new JitterBuffer<Encoded>(delay, { startWithKeyframe: false });
/**
 * Video renditions by track name (as many as the catalog has): the old one's buffered frames still decode after a
 * switch, and RenditionSplice decides whose new frames are taken.
 */
const videoConfigs = new Map<string, ConfigureTrack>();
const splice = new RenditionSplice();
const canvasWarmUp = new CanvasWarmUp(warmUpCanvas);
let audioConfig: ConfigureTrack | undefined;
let videoDecoder: VideoDecoder | undefined;
let audioDecoder: AudioDecoder | undefined;
let configuredDescription: ArrayBuffer | undefined;
let configuredCodec: string | undefined;
let needKeyframe = true;
/** A live (not fetched) video frame went to the decoder: the joining FETCH's backlog is behind, audio may start. */
let videoLive = false;
const playout = new PlayoutTimer(tick);

const counters = { framesDecoded: 0, framesRendered: 0, audioFramesDecoded: 0, decodeDropped: 0 };
let latencyMs: number | undefined;
let latencySamples: number[] = [];
let firstFrameAt: number | undefined;
/** A rendition switch's first key frame (capture time) until it renders, and when the frame before it rendered. */
let switchAtUs: number | undefined;
let lastRenderAt: number | undefined;
let switchGapMs: number | undefined;
let firstObjectAt: number | undefined;
let firstDecodeAt: number | undefined;
let firstOutputAt: number | undefined;
/** Video objects discarded before the first was accepted, by `reason:track` (join diagnostics). */
const droppedBeforeFirstObject: Record<string, number> = {};
let objectSeen = false;
let videoConfigured = false;
let size = { width: 0, height: 0 };
const renderMeter = new RateMeter();
const videoBytes = new RateMeter();
const audioBytes = new RateMeter();

const serverNowUs = () => localNowUs() + clockOffsetUs;

function post(message: FromDecoder): void {
  scope.postMessage(message);
}

function step(name: string): void {
  post({ type: "step", step: name, atMs: localNowUs() / 1000 });
}

// The worker's global scope was created at its time origin; its script runs now. Both are reported with "init": the
// page starts the worker before its player listens to it, and a message posted before that is lost.
const scriptAtMs = localNowUs() / 1000;

scope.onmessage = (event: MessageEvent<ToDecoder>) => {
  const message = event.data;
  switch (message.type) {
    case "init":
      post({ type: "step", step: "decoder-thread", atMs: performance.timeOrigin });
      post({ type: "step", step: "decoder-script", atMs: scriptAtMs });
      step("decoder-init");
      init = message;
      clockOffsetUs = message.clockOffsetUs;
      delay = new PlayoutDelay({ targetLatencyUs: message.targetLatencyMs * 1000 });
      videoBuffer = new JitterBuffer<Encoded>(delay);
      audioBuffer = new JitterBuffer<Encoded>(delay, { startWithKeyframe: false });
      context = message.canvas.getContext("2d");
      if (message.video !== undefined) prepareVideo(message.video);
      // Behind what was queued while the worker started (CanvasWarmUp).
      setTimeout(() => canvasWarmUp.idle(), 0);
      setInterval(postStats, 250);
      break;
    case "audio-output":
      audioPort = message.port;
      break;
    case "configure":
      configure(message);
      break;
    case "object":
      receive(message);
      break;
    case "target":
      delay.targetLatencyUs = message.targetLatencyMs * 1000;
      break;
    case "clock":
      clockOffsetUs = message.clockOffsetUs;
      break;
  }
};

function configure(message: ConfigureTrack): void {
  if (message.role === "video") {
    if (!videoConfigured) step("decoder-configure");
    const previous = videoConfigs.get(message.track);
    videoConfigs.set(message.track, message);
    if (splice.current === message.track && previous !== undefined && previous.codec !== message.codec) {
      // The same track with another codec (a restarted publisher): start again from its next key frame.
      videoBuffer.reset();
      videoDecoder?.close();
      videoDecoder = undefined;
      needKeyframe = true;
      splice.resetPlayhead();
    }
    // A rendition switch: the playing rendition goes on until the new one reaches its switch point (RenditionSplice).
    splice.switchTo(message.track);
    if (splice.current === message.track) {
      post({ type: "switched", track: message.track });
      // Set the decoder up now, with the catalog's description, while the first key frame is still on its way: its
      // initialisation is then off the path to the first frame. A key frame with another VIDEO_CONFIG reconfigures it.
      if (videoDecoder === undefined || videoDecoder.state !== "configured") configureVideoDecoder(message, message.description);
      if (message.width !== undefined && message.height !== undefined)
        canvasWarmUp.configured({ width: message.width, height: message.height });
    }
    if (!videoConfigured) step("decoder-configured");
    videoConfigured = true;
  } else {
    audioConfig = message;
    audioBuffer.reset();
    audioDecoder?.close();
    audioDecoder = undefined;
    postAudio({ type: "flush" });
  }
}

function receive(message: MediaObject): void {
  if (!objectSeen) step("decoder-object");
  objectSeen = true;
  const now = serverNowUs();
  const frame: BufferedFrame<Encoded> = {
    timestampUs: message.timestampUs,
    keyframe: message.keyframe,
    fetched: message.fetched,
    data: { track: message.track, data: message.data, videoConfig: message.videoConfig },
  };
  if (videoConfigs.has(message.track)) {
    const decision = splice.offer(message.track, message.timestampUs, message.keyframe);
    if (decision === "drop") {
      dropBeforeFirstObject("splice", message.track);
      return;
    }
    if (decision === "switch") {
      videoBuffer.dropFrom(message.timestampUs);
      post({ type: "switched", track: message.track });
      switchAtUs = message.timestampUs;
    }
    firstObjectAt ??= localNowUs() / 1000;
    canvasWarmUp.received();
    videoBytes.add(performance.now(), message.data.byteLength);
    videoBuffer.push(frame, now);
  } else if (message.track === audioConfig?.track) {
    audioBytes.add(performance.now(), message.data.byteLength);
    audioBuffer.push(frame, now);
  } else {
    dropBeforeFirstObject("unconfigured", message.track);
    return;
  }
  schedule();
}

function dropBeforeFirstObject(reason: string, track: string): void {
  if (firstObjectAt !== undefined) return;
  const key = `${reason}:${track}`;
  droppedBeforeFirstObject[key] = (droppedBeforeFirstObject[key] ?? 0) + 1;
}

/** Audio plays once video has reached the live edge (or there is no video), so the two start in sync. */
function audioMayPlay(): boolean {
  return videoLive || videoConfigs.size === 0;
}

function schedule(): void {
  const audioDue = audioMayPlay() ? audioBuffer.nextDueUs() : undefined;
  const due = Math.min(videoBuffer.nextDueUs() ?? Number.POSITIVE_INFINITY, audioDue ?? Number.POSITIVE_INFINITY);
  playout.arm(Number.isFinite(due) ? due / 1000 : undefined, serverNowUs() / 1000);
}

function tick(): void {
  const now = serverNowUs();
  if (audioMayPlay()) for (const frame of audioBuffer.poll(now).frames) decodeAudio(frame);
  const video = videoBuffer.poll(now);
  // The decoder's backlog before this batch: frames released together (a catch-up, or a joining FETCH's GOP at the
  // start) queue up by design and are not a sign that the decoder cannot keep up.
  const backlog = videoDecoder?.decodeQueueSize ?? 0;
  for (const frame of video.frames) {
    splice.released(frame.timestampUs);
    decodeVideo(frame, backlog);
  }
  if (!videoLive && video.frames.some((f) => f.fetched !== true)) {
    videoLive = true;
    // The audio that waited for video is older than what the AudioWorklet keeps; it starts from the newest.
    for (const frame of audioBuffer.poll(now).frames) decodeAudio(frame);
  }
  schedule();
}

function decodeVideo(frame: BufferedFrame<Encoded>, backlog: number): void {
  const config = videoConfigs.get(frame.data.track);
  if (config === undefined) return;
  if (needKeyframe && !frame.keyframe) {
    counters.decodeDropped++;
    return;
  }
  if (backlog > MAX_DECODE_BACKLOG && !frame.keyframe && frame.fetched !== true) {
    // The decoder cannot keep up (a slow machine, or a catch-up burst): drop to the next key frame rather than let
    // latency grow. A joining FETCH's backlog is exempt: it arrives in pieces, each released at once (fast start), and
    // decodes straight through to the live edge.
    counters.decodeDropped++;
    needKeyframe = true;
    return;
  }
  // A key frame with a backlog: abandon the stale frames still queued and start from this one.
  if (frame.keyframe && backlog > 1) videoDecoder?.reset();
  const description = frame.data.videoConfig ?? config.description;
  if (
    videoDecoder === undefined ||
    videoDecoder.state !== "configured" ||
    (frame.keyframe && (config.codec !== configuredCodec || !sameBytes(description, configuredDescription)))
  ) {
    if (!frame.keyframe) {
      counters.decodeDropped++;
      needKeyframe = true;
      return;
    }
    configureVideoDecoder(config, description);
  }
  needKeyframe = false;
  firstDecodeAt ??= localNowUs() / 1000;
  videoDecoder?.decode(
    new EncodedVideoChunk({ type: frame.keyframe ? "key" : "delta", timestamp: frame.timestampUs, data: frame.data.data }),
  );
  // While the decoder works on the key frame (CanvasWarmUp).
  if (frame.keyframe) canvasWarmUp.decoding();
}

/**
 * The video the page expects, before any track is configured: the decoder is configured now (Chromium initialises it
 * asynchronously) and the canvas is warmed up at its size once the worker ran what was queued (CanvasWarmUp). The
 * "configure" that starts playback then finds the decoder configured with the same codec and description.
 */
function prepareVideo(video: PreparedVideo): void {
  step("decoder-prepare");
  configureVideoDecoder(video, video.description);
  if (video.width !== undefined && video.height !== undefined) canvasWarmUp.configured({ width: video.width, height: video.height });
}

function configureVideoDecoder(config: Pick<ConfigureTrack, "codec">, description: ArrayBuffer | undefined): void {
  if (videoDecoder === undefined || videoDecoder.state === "closed") {
    videoDecoder = new VideoDecoder({ output: render, error: (e) => decoderFailed(`Video decoder: ${e.message}`) });
  }
  videoDecoder.configure({
    codec: config.codec,
    optimizeForLatency: true,
    ...(description === undefined ? {} : { description }),
  });
  configuredDescription = description;
  configuredCodec = config.codec;
}

/**
 * One canvas warm-up step (CanvasWarmUp): draws a small black frame, so the first decoded frame finds the 2D context's
 * backing store and the VideoFrame drawing path set up (issue 5: the first decoder output took 0.5–1 s to reach the
 * canvas on a loaded machine, against a few ms for later frames). The drawing path's one-time cost (80–220 ms on a loaded
 * machine) does not depend on the frame's size, so `path` draws it unscaled (on the canvas resized to the video's size,
 * if known: the first draw sets the backing store up); `size` resizes the canvas and scales the frame over all of it,
 * which sets the backing store up at that size without filling and wrapping a full-size frame (25–75 ms at 1280x720).
 */
function warmUpCanvas(warmUp: WarmUpStep): void {
  const canvas = init?.canvas;
  if (context === null || canvas === undefined) return;
  step(`warm-up-${warmUp.kind}`);
  if (warmUp.size !== undefined && (canvas.width !== warmUp.size.width || canvas.height !== warmUp.size.height)) {
    canvas.width = warmUp.size.width;
    canvas.height = warmUp.size.height;
  }
  // I420, black in limited range (Y 16, U and V 128).
  const pixels = new Uint8Array((WARM_UP_FRAME * WARM_UP_FRAME * 3) / 2);
  pixels.fill(16, 0, WARM_UP_FRAME * WARM_UP_FRAME);
  pixels.fill(128, WARM_UP_FRAME * WARM_UP_FRAME);
  const black = new VideoFrame(pixels, { format: "I420", codedWidth: WARM_UP_FRAME, codedHeight: WARM_UP_FRAME, timestamp: 0 });
  if (warmUp.kind === "size") context.drawImage(black, 0, 0, canvas.width, canvas.height);
  else context.drawImage(black, 0, 0);
  black.close();
  step(`warm-up-${warmUp.kind}-done`);
}

function render(frame: VideoFrame): void {
  firstOutputAt ??= localNowUs() / 1000;
  counters.framesDecoded++;
  const latency = (serverNowUs() - frame.timestamp) / 1000;
  const canvas = init?.canvas;
  if (context !== null && canvas !== undefined) {
    if (canvas.width !== frame.displayWidth || canvas.height !== frame.displayHeight) {
      canvas.width = frame.displayWidth;
      canvas.height = frame.displayHeight;
    }
    context.drawImage(frame, 0, 0);
  }
  size = { width: frame.displayWidth, height: frame.displayHeight };
  frame.close();
  counters.framesRendered++;
  const now = performance.now();
  if (switchAtUs !== undefined && frame.timestamp >= switchAtUs) {
    switchGapMs = lastRenderAt === undefined ? undefined : now - lastRenderAt;
    switchAtUs = undefined;
  }
  lastRenderAt = now;
  renderMeter.add(now);
  latencyMs = latency;
  latencySamples.push(latency);
  firstFrameAt ??= localNowUs() / 1000;
  canvasWarmUp.rendered();
}

function decoderFailed(message: string): void {
  post({ type: "error", message });
  // Recover at the next key frame with a fresh decoder.
  videoDecoder = undefined;
  needKeyframe = true;
}

function decodeAudio(frame: BufferedFrame<Encoded>): void {
  const config = audioConfig;
  if (config === undefined) return;
  if (audioDecoder === undefined || audioDecoder.state === "closed") {
    audioDecoder = new AudioDecoder({
      output: (data) => {
        counters.audioFramesDecoded++;
        const channels: Float32Array[] = [];
        for (let c = 0; c < data.numberOfChannels; c++) {
          const plane = new Float32Array(data.numberOfFrames);
          data.copyTo(plane, { planeIndex: c, format: "f32-planar" });
          channels.push(plane);
        }
        data.close();
        postAudio(
          { type: "pcm", channels },
          channels.map((c) => c.buffer as ArrayBuffer),
        );
      },
      error: (e) => {
        post({ type: "error", message: `Audio decoder: ${e.message}` });
        audioDecoder = undefined;
      },
    });
    audioDecoder.configure({
      codec: config.codec,
      sampleRate: config.samplerate ?? 48_000,
      numberOfChannels: config.channels ?? 2,
      ...(config.description === undefined ? {} : { description: config.description }),
    });
  }
  audioDecoder.decode(new EncodedAudioChunk({ type: "key", timestamp: frame.timestampUs, data: frame.data.data }));
}

function postAudio(message: ToAudioWorklet, transfer: Transferable[] = []): void {
  // Before the AudioWorklet is up there is nowhere to play: that PCM is dropped, as a late start would drop it anyway.
  audioPort?.postMessage(message, transfer);
}

function postStats(): void {
  const now = performance.now();
  const video = videoBuffer.stats;
  post({
    type: "stats",
    latencyMs,
    latencySamplesMs: latencySamples,
    delayMs: delay.delayUs / 1000,
    bufferMs: videoBuffer.levelUs / 1000,
    fps: renderMeter.perSecond(now),
    videoBitrate: videoBytes.bitsPerSecond(now),
    audioBitrate: audioBytes.bitsPerSecond(now),
    framesDecoded: counters.framesDecoded,
    framesRendered: counters.framesRendered,
    audioFramesDecoded: counters.audioFramesDecoded,
    lateFrames: video.late,
    droppedFrames: video.dropped + counters.decodeDropped,
    rendition: splice.current,
    width: size.width,
    height: size.height,
    firstFrameAt,
    switchGapMs,
    firstObjectAt,
    firstDecodeAt,
    firstOutputAt,
    droppedBeforeFirstObject,
    decoderState: videoDecoder?.state ?? "none",
    decodeQueueSize: videoDecoder?.decodeQueueSize ?? 0,
  });
  latencySamples = [];
}

function sameBytes(a: ArrayBuffer | undefined, b: ArrayBuffer | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  return x.every((v, i) => v === y[i]);
}
