// Streamer app: wiring only. Capture, encoding and the channel format live in @moqlive/media; MOQT in @moqlive/moqt.

import { ChatRoom, defineChatElement, type MoqliveChatElement } from "@moqlive/chat";
import {
  CaptureError,
  ChannelBroadcast,
  channelNamespace,
  channelTrackOpener,
  defineStatsView,
  estimateClockOffset,
  formatBitrate,
  isValidChannelName,
  listCaptureDevices,
  MediaEncoder,
  openCapture,
  publishTracks,
  type RenditionSettings,
  type StatsView,
  TrackName,
} from "@moqlive/media";
import { connect, type MoqtSession, type PublishedNamespace } from "@moqlive/moqt";

interface StreamerStats {
  state: "idle" | "starting" | "live" | "error";
  error?: string;
  channel?: string;
  codec?: string;
  fps: number;
  droppedFrames: number;
  /** Camera/microphone changes the encoder followed while live. */
  sourceChanges: number;
  framesSent: Record<string, number>;
  bitrate: Record<string, number>;
  encodeMs: Record<string, number>;
  /** Chat messages shown, as "from: text". */
  chat: string[];
}

declare global {
  interface Window {
    /** Test hook: the streamer's state and encoder stats. */
    __moqliveStats?: StreamerStats;
  }
}

defineStatsView();
defineChatElement();

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const preview = byId<HTMLVideoElement>("preview");
const status = byId<HTMLParagraphElement>("status");
const cameraSelect = byId<HTMLSelectElement>("camera");
const microphoneSelect = byId<HTMLSelectElement>("microphone");
const channelInput = byId<HTMLInputElement>("channel");
const titleInput = byId<HTMLInputElement>("title");
const keyframeInput = byId<HTMLInputElement>("keyframe");
const form = byId<HTMLFormElement>("settings");
const liveButton = byId<HTMLButtonElement>("live");
const stopButton = byId<HTMLButtonElement>("stop");
const watchLink = byId<HTMLAnchorElement>("watch-link");
const statsView = byId<StatsView>("stats");
const chatView = byId<MoqliveChatElement>("chat");

const params = new URLSearchParams(location.search);
channelInput.value = params.get("channel") ?? localStorage.getItem("moqlive.channel") ?? "";
titleInput.value = params.get("title") ?? localStorage.getItem("moqlive.title") ?? "";
if (params.has("keyframe")) keyframeInput.value = params.get("keyframe") ?? "1000";

const stats: StreamerStats = {
  state: "idle",
  fps: 0,
  droppedFrames: 0,
  sourceChanges: 0,
  framesSent: {},
  bitrate: {},
  encodeMs: {},
  chat: [],
};
window.__moqliveStats = stats;

let stream: MediaStream | undefined;
let live:
  | { session: MoqtSession; published: PublishedNamespace; broadcast: ChannelBroadcast; encoder: MediaEncoder; chat?: ChatRoom }
  | undefined;
let stopping = false;
/** The person asked to go live (the button, or `?live=1`) and has not pressed Stop since. */
let wantLive = params.get("live") === "1";

function setStatus(state: StreamerStats["state"], text: string): void {
  stats.state = state;
  if (state === "error") stats.error = text;
  status.dataset.state = state;
  status.textContent = text;
}

async function startPreview(): Promise<void> {
  for (const track of stream?.getTracks() ?? []) track.stop();
  stream = undefined;
  try {
    const top = renditions()[0];
    stream = await openCapture({
      cameraId: cameraSelect.value,
      microphoneId: microphoneSelect.value,
      width: top?.width ?? 1280,
      height: top?.height ?? 720,
    });
  } catch (e) {
    setStatus("error", e instanceof CaptureError ? e.message : String(e));
    if (e instanceof CaptureError && e.permissionDenied) void resumeWhenAllowed();
    return;
  }
  preview.srcObject = stream;
  const devices = await listCaptureDevices();
  fill(cameraSelect, devices.cameras, stream.getVideoTracks()[0]?.getSettings().deviceId);
  fill(microphoneSelect, devices.microphones, stream.getAudioTracks()[0]?.getSettings().deviceId);
  if (stats.state === "error") setStatus("idle", "Camera ready. Name the channel, then go live.");
}

function fill(select: HTMLSelectElement, devices: MediaDeviceInfo[], selected: string | undefined): void {
  select.replaceChildren(
    ...devices.map((d, i) => {
      const option = document.createElement("option");
      option.value = d.deviceId;
      option.textContent = d.label || `Device ${i + 1}`;
      option.selected = d.deviceId === selected;
      return option;
    }),
  );
}

/** After a refused permission, starts the camera by itself once the site is allowed it (and goes live if asked to). */
let awaitingPermission = false;
async function resumeWhenAllowed(): Promise<void> {
  if (awaitingPermission) return;
  awaitingPermission = true;
  const permission = await navigator.permissions.query({ name: "camera" as PermissionName }).catch(() => undefined);
  if (permission === undefined) return;
  permission.onchange = async () => {
    if (permission.state !== "granted") return;
    permission.onchange = null;
    awaitingPermission = false;
    await startPreview();
    if (wantLive && live === undefined && stream !== undefined) void goLive();
  };
}

async function goLive(): Promise<void> {
  const channel = channelInput.value.trim();
  if (!isValidChannelName(channel)) {
    setStatus("error", "The channel name is 1–64 letters, digits, _ or -.");
    return;
  }
  if (stream === undefined) await startPreview();
  if (stream === undefined) return;
  localStorage.setItem("moqlive.channel", channel);
  localStorage.setItem("moqlive.title", titleInput.value);
  liveButton.disabled = true;
  setStatus("starting", "Connecting…");
  stats.channel = channel;
  let session: MoqtSession;
  let clockOffsetUs: number;
  try {
    clockOffsetUs = (await estimateClockOffset("/api/time")).offsetUs;
    session = await connect(new URL("/moq", location.origin).toString(), { serverCertificateHashes: "fetch" });
  } catch (e) {
    liveButton.disabled = false;
    setStatus("error", `Cannot reach the MoqLive server (${e instanceof Error ? e.message : String(e)}). Is \`moqlive serve\` running?`);
    scheduleRetry();
    return;
  }
  const namespace = channelNamespace(channel);
  const tracks = channelTrackOpener(namespace);
  const keyframeIntervalMs = Math.max(250, Number(keyframeInput.value) || 1000);
  const broadcast = new ChannelBroadcast({
    title: titleInput.value,
    targetLatencyMs: 150,
    startTimeMs: Date.now(),
    tracks: [TrackName.videoHd, TrackName.videoSd, TrackName.audio],
    openTrack: tracks.open,
  });
  let published: PublishedNamespace;
  try {
    // docs/media-format.md "Publishing": every track is PUBLISHed before the first object and before the namespace, so
    // the relay holds each track's current group when the first viewer comes, and after a reload resumes its viewers
    // from these PUBLISHes.
    await publishTracks(session, tracks.tracks);
    published = await session.publishNamespace(namespace, tracks.tracks);
  } catch (e) {
    session.close();
    liveButton.disabled = false;
    setStatus("error", `The server refused channel "${channel}": ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const encoder = new MediaEncoder(
    stream,
    {
      renditions: renditions(),
      framerate: 30,
      keyframeIntervalMs,
      audioBitrate: 64_000,
      clockOffsetUs,
    },
    {
      frame: (frame) => {
        broadcast.frame(frame);
        stats.framesSent[frame.track] = (stats.framesSent[frame.track] ?? 0) + 1;
      },
      config: (config) => {
        if (config.role === "video") stats.codec = config.codec;
        broadcast.config(config);
        if (broadcast.live && stats.state !== "live") {
          setStatus("live", `Live on channel ${channel}.`);
          watchLink.href = `/watch/?channel=${encodeURIComponent(channel)}`;
          watchLink.hidden = false;
        }
      },
      stats: (s) => {
        stats.fps = s.fps;
        stats.droppedFrames = s.droppedFrames;
        stats.sourceChanges = s.sourceChanges;
        const rows: Record<string, string | number> = { "Camera fps": s.fps.toFixed(1), "Dropped frames": s.droppedFrames };
        for (const [track, t] of Object.entries(s.tracks)) {
          stats.bitrate[track] = t.bitrate;
          stats.encodeMs[track] = t.encodeMs;
          rows[`${track} bitrate`] = formatBitrate(t.bitrate);
          if (track !== TrackName.audio) rows[`${track} encode`] = `${t.encodeMs.toFixed(1)} ms`;
        }
        rows.Codec = stats.codec ?? "–";
        statsView.update(rows);
      },
      error: (message) => setStatus("error", message),
    },
  );
  const current = { session, published, broadcast, encoder } as NonNullable<typeof live>;
  live = current;
  stopButton.disabled = false;
  joinChat(session, channel, "Streamer").then(
    (room) => {
      if (live === current) current.chat = room;
      else room.leave();
    },
    (e: unknown) => console.warn("Chat unavailable:", e),
  );
  void session.closed.then((info) => {
    if (live !== current || stopping) return;
    teardown(false);
    setStatus("error", `Lost the connection to the MoqLive server (${info.reason || "connection closed"}). Reconnecting…`);
    scheduleRetry();
  });
  // The relay withdrew the channel (its tracks are closed) while the session stays up: publish it again. A server going
  // away resets the request before it closes the session, so that close, when it follows, names the reason.
  void published.ended.then(async () => {
    await Promise.race([session.closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
    if (live !== current || stopping) return;
    teardown(false);
    setStatus("error", `The MoqLive server withdrew channel ${channel}. Reconnecting…`);
    scheduleRetry();
  });
}

/** The two renditions: 720p + 360p by default; `?resolution=H` scales both (the top one to height H, 16:9). */
function renditions(): RenditionSettings[] {
  const height = Math.min(1080, Math.max(90, Number(params.get("resolution")) || 720));
  const scale = height / 720;
  const even = (n: number) => Math.round(n / 2) * 2;
  return [
    { track: TrackName.videoHd, width: even(1280 * scale), height: even(720 * scale), bitrate: Math.round(2_500_000 * scale * scale) },
    { track: TrackName.videoSd, width: even(640 * scale), height: even(360 * scale), bitrate: Math.round(600_000 * scale * scale) },
  ];
}

async function joinChat(session: MoqtSession, channel: string, displayName: string): Promise<ChatRoom> {
  const room = await ChatRoom.join(session, channel, { displayName });
  chatView.room = room;
  const show = () => {
    stats.chat = room.messages.map((m) => `${m.from}: ${m.text}`);
  };
  room.addEventListener("message", show);
  show();
  return room;
}

function scheduleRetry(): void {
  setTimeout(() => {
    if (live === undefined && stats.state === "error" && isValidChannelName(channelInput.value.trim())) void goLive();
  }, 2000);
}

/** Ends the broadcast: with `final`, viewers get the end-of-broadcast catalog (a page reload does not send it). */
function teardown(final: boolean): void {
  const current = live;
  live = undefined;
  if (current === undefined) return;
  current.encoder.stop();
  current.chat?.leave();
  chatView.room = null;
  if (final) current.broadcast.end();
  // Closing the session resets the streams still carrying the final catalog: wait until every subscription the
  // streamer serves has written its PUBLISH_DONE (bounded), then give the last packets a moment to leave.
  const drained = final ? current.session.servedSubscriptionsEnded(3000) : Promise.resolve(true);
  void drained.then(() =>
    setTimeout(
      () => {
        current.published.unpublish();
        current.session.close();
      },
      final ? 500 : 0,
    ),
  );
  liveButton.disabled = false;
  stopButton.disabled = true;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  wantLive = true;
  void goLive();
});
stopButton.addEventListener("click", () => {
  stopping = true;
  wantLive = false;
  teardown(true);
  stopping = false;
  setStatus("idle", "Stopped. The channel has ended for viewers.");
});
titleInput.addEventListener("change", () => live?.broadcast.setTitle(titleInput.value));
/** Another camera or microphone: the preview follows, and while live the broadcast goes on from the new devices. */
async function changeDevice(): Promise<void> {
  await startPreview();
  if (stream !== undefined) live?.encoder.replaceSource(stream);
}
cameraSelect.addEventListener("change", () => void changeDevice());
microphoneSelect.addEventListener("change", () => void changeDevice());

await startPreview();
if (params.get("live") === "1") void goLive();
