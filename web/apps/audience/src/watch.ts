// Audience player page: wiring only. Playback lives in @moqlive/media, MOQT in @moqlive/moqt.

import { ChatRoom, defineChatElement, type MoqliveChatElement } from "@moqlive/chat";
import {
  type AudioOutputStats,
  ChannelWatcher,
  channelNamespace,
  channelSubscriber,
  defineStatsView,
  estimateClockOffset,
  formatBitrate,
  formatMs,
  isValidChannelName,
  JoinTimeline,
  MediaPlayer,
  type PlayerStats,
  percentile,
  type StatsView,
  startDecoderWorker,
  videoRenditions,
} from "@moqlive/media";
import { type CertificateHash, CertificateHashSource, MoqtRequestError, type MoqtSession, openSession } from "@moqlive/moqt";
import { followChannelList } from "./channel-list.ts";

interface AudienceStats {
  state: "idle" | "connecting" | "playing" | "ended" | "error";
  error?: string;
  channel?: string;
  joinedAt?: number;
  timeToFirstFrameMs?: number | undefined;
  /**
   * The newest join's steps, ms since the join (also `moqlive:STEP` performance marks): certificate (the
   * certificate hash at hand: from the page, or fetched from /certificate.sha256 as the page loaded), player (the player is set up), transport (WebTransport
   * ready), connected (MOQT SETUP done), clock, each track request's TRACK:subscribe-opened / -sent / -answered and
   * TRACK:fetch-... (the stream open, the request written to it, its response read), the watcher's
   * steps (catalog-subscribed, catalog, video-subscribed, video-object, ...), then in the decoder worker first-object,
   * first-decode, first-output (decoded) and first-frame (drawn); and the worker's own start: decoder-thread,
   * decoder-script, decoder-init, decoder-configure / -configured, decoder-object, warm-up-path / -size (DecoderStep).
   */
  joinTimelineMs: Record<string, number>;
  /** Video objects the decoder worker discarded before it accepted the first one, by `reason:track`. */
  droppedBeforeFirstObject?: Readonly<Record<string, number>>;
  /** Every rendered frame's glass-to-glass latency since the page loaded, ms (the newest 20000). */
  latencySamplesMs: number[];
  latencyMs?: number | undefined;
  framesRendered: number;
  framesDecoded: number;
  audioFramesDecoded: number;
  audioFramesPlayed: number;
  /** How long decoded audio waits in the AudioWorklet, i.e. how far it trails its video frame, ms. */
  audioQueuedMs: number;
  fps: number;
  bufferMs: number;
  delayMs: number;
  lateFrames: number;
  droppedFrames: number;
  rendition?: string;
  /** The newest rendition switch: ms between the old rendition's last rendered frame and the new one's first. */
  switchGapMs?: number | undefined;
  width: number;
  height: number;
  videoBitrate: number;
  audioBitrate: number;
  clockOffsetMs: number;
  joins: number;
  decoderState?: string;
  decodeQueueSize?: number;
  /** The newest playback problem (decoder, track), for diagnostics. */
  lastError?: string;
  /** Chat messages shown, as "from: text". */
  chat: string[];
}

declare global {
  interface Window {
    /** Test hook: the player's state and stats. */
    __moqliveStats?: AudienceStats;
  }
}

// The first join's decoder worker starts before anything else on the page: its start waits for the main thread, which
// the page load and the join keep busy (issue 5). A page opened without a channel has no use for it.
let spareDecoder = new URLSearchParams(location.search).has("channel") ? startDecoderWorker() : undefined;

defineStatsView();
defineChatElement();

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = byId<HTMLParagraphElement>("status");
const screen = byId<HTMLDivElement>("screen");
const joinButton = byId<HTMLButtonElement>("join");
const renditionSelect = byId<HTMLSelectElement>("rendition");
const latencyInput = byId<HTMLInputElement>("latency");
const latencyValue = byId<HTMLOutputElement>("latency-value");
const showStats = byId<HTMLInputElement>("show-stats");
const statsView = byId<StatsView>("stats");
const titleView = byId<HTMLSpanElement>("title");
const chatView = byId<MoqliveChatElement>("chat");

const params = new URLSearchParams(location.search);
const channel = params.get("channel") ?? "";
if (params.has("latency")) latencyInput.value = params.get("latency") ?? "150";
latencyValue.textContent = `${latencyInput.value} ms`;

const totals = { framesRendered: 0, framesDecoded: 0, audioFramesDecoded: 0, audioFramesPlayed: 0, lateFrames: 0, droppedFrames: 0 };
const stats: AudienceStats = {
  state: "idle",
  latencySamplesMs: [],
  joinTimelineMs: {},
  ...totals,
  audioQueuedMs: 0,
  fps: 0,
  bufferMs: 0,
  delayMs: 0,
  width: 0,
  height: 0,
  videoBitrate: 0,
  audioBitrate: 0,
  clockOffsetMs: 0,
  joins: 0,
  chat: [],
};
window.__moqliveStats = stats;

let current:
  | {
      session: MoqtSession;
      player: MediaPlayer;
      watcher: ChannelWatcher;
      base: typeof totals;
      timeline: JoinTimeline;
      /** Called when the join's first frame is drawn. */
      drawn: () => void;
      chat?: ChatRoom;
    }
  | undefined;
/** How long chat waits for the first frame before it joins anyway. */
const CHAT_JOIN_DELAY_MS = 3000;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
// `moqlive serve` puts the certificate hash and the MOQT path in the page, so a join connects at once (issue 5); served
// without them (Vite's dev server) the page fetches the hash as it loads, and a failure is retried by the join.
const serverMeta = (name: string) => document.querySelector<HTMLMetaElement>(`meta[name="moqlive-${name}"]`)?.content;
const moqtUrl = new URL(serverMeta("moqt-path") ?? "/moq", location.origin).toString();
const certificateHash = new CertificateHashSource(location.origin, undefined, serverMeta("certificate-sha256"));
certificateHash.get().catch(() => {});

function setStatus(state: AudienceStats["state"], text: string): void {
  stats.state = state;
  if (state === "error" || state === "ended") stats.error = text;
  status.dataset.state = state;
  status.textContent = text;
}

const refreshChannels = followChannelList(
  byId<HTMLUListElement>("channels"),
  (name) => `/watch/?channel=${encodeURIComponent(name)}`,
  () => channel,
);

async function join(): Promise<void> {
  clearTimeout(retryTimer);
  leave();
  joinButton.hidden = true;
  stats.channel = channel;
  stats.joinedAt = Date.now();
  stats.timeToFirstFrameMs = undefined;
  stats.joins++;
  const timeline = new JoinTimeline();
  stats.joinTimelineMs = timeline.steps;
  setStatus("connecting", `Joining ${channel}…`);
  // The session and the clock estimate first, in parallel: both are round trips to the server, time to first frame
  // counts from here, and setting up the player below takes the main thread for a while (10–120 ms on a loaded machine).
  const clockEstimate = estimateClockOffset("/api/time", 3).then((c) => {
    timeline.mark("clock");
    return c;
  });
  const open = (hash: CertificateHash) => {
    timeline.mark("certificate");
    // The join's requests go out as soon as the WebTransport session is ready, beside our SETUP (draft-19 "Session
    // initialization"), not a round trip later after the server's: `connected` (SETUP done) may come after them.
    return openSession(moqtUrl, {
      serverCertificateHashes: [hash],
      onProgress: (step) => timeline.mark(step),
      // Each track request's steps (e.g. `catalog:subscribe-sent`, `catalog:fetch-answered`) split the join's requests
      // between the browser (stream open, write) and the network plus the relay (sent → answered).
      onRequestProgress: ({ track, request, step }) => {
        if (track !== undefined) timeline.mark(`${track}:${request.toLowerCase()}-${step}`);
      },
    }).then(({ session, setup }) => {
      void setup.then(
        () => timeline.mark("connected"),
        () => {},
      );
      return session;
    });
  };
  // With the hash at hand (the page carries it) the WebTransport session starts right here, before the player below
  // takes the main thread.
  const known = certificateHash.current;
  const connecting = known === undefined ? certificateHash.get().then(open) : open(known);
  // A canvas can be transferred to a worker once: each join draws on a fresh one. The player (decoder worker, audio
  // output) starts while the session connects.
  const canvas = document.createElement("canvas");
  canvas.width = 1280;
  canvas.height = 720;
  canvas.id = "video";
  screen.replaceChildren(canvas);
  const joinedAt = stats.joinedAt;
  const worker = spareDecoder;
  spareDecoder = undefined;
  const player = new MediaPlayer({
    ...(worker === undefined ? {} : { worker }),
    canvas,
    targetLatencyMs: Number(latencyInput.value),
    clockOffsetUs: 0,
    onStats: (s) => onStats(s, joinedAt, timeline),
    onStep: (step, epochMs) => timeline.markEpoch(step, epochMs),
    onError: (message) => {
      stats.lastError = message;
      console.warn(message);
    },
  });
  timeline.mark("player");
  // The clock estimate does not hold the join up: a joining FETCH's frames play at once whatever the clock says, and
  // live frames' playout uses the offset once it is in. A closed player (a newer join) ignores it.
  void clockEstimate.then(
    (c) => {
      player.setClockOffset(c.offsetUs);
      if (stats.joinedAt === joinedAt) stats.clockOffsetMs = c.offsetUs / 1000;
    },
    (e: unknown) => console.warn("Clock offset unavailable (latency figures assume the server's clock):", e),
  );
  let session: MoqtSession;
  try {
    session = await connecting;
  } catch (e) {
    // The server may have renewed its certificate: the next join fetches the hash again.
    certificateHash.refresh();
    player.close();
    retry(`Cannot reach the MoqLive server (${e instanceof Error ? e.message : String(e)}). Retrying…`, "error");
    return;
  }
  const watcher = new ChannelWatcher(channelSubscriber(session, channelNamespace(channel)), player, {
    catalog: (catalog) => {
      titleView.textContent = catalog.title === "" ? `· ${channel}` : `· ${channel}: ${catalog.title}`;
      const selected = renditionSelect.value;
      renditionSelect.replaceChildren(
        option("auto", "Auto"),
        ...videoRenditions(catalog).map((r) => option(r.name, `${r.height}p (${formatBitrate(r.bitrate)})`)),
      );
      renditionSelect.value = [...renditionSelect.options].some((o) => o.value === selected) ? selected : "auto";
    },
    rendition: (track) => {
      stats.rendition = track;
    },
    ended: (reason) => retry(`${reason} Waiting for it to come back…`, "ended"),
    error: (message) => {
      stats.lastError = message;
      console.warn(message);
    },
    step: (step) => timeline.mark(step),
  });
  let drawn!: () => void;
  const firstFrame = new Promise<void>((resolve) => {
    drawn = resolve;
  });
  const joined: NonNullable<typeof current> = { session, player, watcher, base: { ...totals }, timeline, drawn };
  current = joined;
  // The watcher's requests go out first: its first stream opens before any of chat's.
  const watching = watcher.run();
  // Chat joins once the picture is up (or after CHAT_JOIN_DELAY_MS): its requests (PUBLISH_NAMESPACE,
  // SUBSCRIBE_NAMESPACE, a SUBSCRIBE and joining FETCH per participant, each relayed to that participant) would compete
  // with the join's for the browser's stream opening and the relay (issue 5).
  const chatDue = new Promise<void>((resolve) => setTimeout(resolve, CHAT_JOIN_DELAY_MS));
  void Promise.race([firstFrame, chatDue]).then(() => {
    if (current === joined) joinChat(joined);
  });
  void session.closed.then((info) => {
    if (current?.session === session)
      retry(`Lost the connection to the MoqLive server (${info.reason || "connection closed"}). Reconnecting…`, "error");
  });
  try {
    await watching;
  } catch (e) {
    if (current?.session !== session) return;
    const notLive = e instanceof MoqtRequestError;
    retry(
      notLive ? `Channel ${channel} is not live right now. Waiting for it…` : `Cannot play ${channel}: ${String(e)}. Retrying…`,
      notLive ? "ended" : "error",
    );
  }
}

function joinChat(joined: NonNullable<typeof current>): void {
  ChatRoom.join(joined.session, channel, { displayName: "Viewer" }).then(
    (room) => {
      if (current !== joined) {
        room.leave();
        return;
      }
      joined.chat = room;
      chatView.room = room;
      const show = () => {
        stats.chat = room.messages.map((m) => `${m.from}: ${m.text}`);
      };
      room.addEventListener("message", show);
      show();
    },
    (e: unknown) => console.warn("Chat unavailable:", e),
  );
}

function onStats(s: PlayerStats & AudioOutputStats, joinedAt: number, timeline: JoinTimeline): void {
  const base = current?.base ?? totals;
  totals.framesRendered = base.framesRendered + s.framesRendered;
  totals.framesDecoded = base.framesDecoded + s.framesDecoded;
  totals.audioFramesDecoded = base.audioFramesDecoded + s.audioFramesDecoded;
  totals.audioFramesPlayed = base.audioFramesPlayed + s.audioFramesPlayed;
  totals.lateFrames = base.lateFrames + s.lateFrames;
  totals.droppedFrames = base.droppedFrames + s.droppedFrames;
  Object.assign(stats, totals);
  stats.latencySamplesMs.push(...s.latencySamplesMs);
  if (stats.latencySamplesMs.length > 20_000) stats.latencySamplesMs.splice(0, stats.latencySamplesMs.length - 20_000);
  stats.latencyMs = s.latencyMs;
  stats.audioQueuedMs = s.audioQueuedMs;
  stats.fps = s.fps;
  stats.bufferMs = s.bufferMs;
  stats.delayMs = s.delayMs;
  stats.decoderState = s.decoderState;
  stats.decodeQueueSize = s.decodeQueueSize;
  stats.switchGapMs = s.switchGapMs;
  stats.width = s.width;
  stats.height = s.height;
  stats.videoBitrate = s.videoBitrate;
  stats.audioBitrate = s.audioBitrate;
  if (s.rendition !== undefined) stats.rendition = s.rendition;
  if (s.firstFrameAt !== undefined && stats.timeToFirstFrameMs === undefined && joinedAt === stats.joinedAt) {
    stats.timeToFirstFrameMs = s.firstFrameAt - joinedAt;
  }
  if (s.firstObjectAt !== undefined) timeline.markEpoch("first-object", s.firstObjectAt);
  if (joinedAt === stats.joinedAt) stats.droppedBeforeFirstObject = s.droppedBeforeFirstObject;
  if (s.firstDecodeAt !== undefined) timeline.markEpoch("first-decode", s.firstDecodeAt);
  if (s.firstOutputAt !== undefined) timeline.markEpoch("first-output", s.firstOutputAt);
  if (s.firstFrameAt !== undefined) {
    timeline.markEpoch("first-frame", s.firstFrameAt);
    current?.drawn();
  }
  if (s.framesRendered > 0 && stats.state !== "playing" && stats.state !== "ended") setStatus("playing", `Playing ${channel}.`);
  current?.watcher.observeLateFrames(s.lateFrames, performance.now());
  const recent = stats.latencySamplesMs.slice(-300);
  statsView.update({
    "Latency (glass to glass)": formatMs(s.latencyMs),
    "Latency p50 / p95 (last 10 s)": `${formatMs(percentile(recent, 50)) ?? "–"} / ${formatMs(percentile(recent, 95)) ?? "–"}`,
    "Playout delay": formatMs(s.delayMs),
    Buffer: formatMs(s.bufferMs),
    "Frame rate": `${s.fps.toFixed(1)} fps`,
    Rendition: s.rendition === undefined ? undefined : `${s.rendition} (${s.width}x${s.height})`,
    "Video bitrate": formatBitrate(s.videoBitrate),
    "Audio bitrate": formatBitrate(s.audioBitrate),
    "Late / dropped frames": `${totals.lateFrames} / ${totals.droppedFrames}`,
    "Audio frames decoded": totals.audioFramesDecoded,
    "Time to first frame": formatMs(stats.timeToFirstFrameMs),
    "Join timeline (ms)": timeline.format(),
    "Clock offset": formatMs(stats.clockOffsetMs),
  });
}

function leave(): void {
  const c = current;
  current = undefined;
  if (c === undefined) return;
  c.chat?.leave();
  chatView.room = null;
  c.watcher.close();
  c.player.close();
  c.session.close();
}

/** Shows why playback stopped and re-joins once the channel is listed again (or after a pause, for a lost server). */
function retry(message: string, state: "error" | "ended"): void {
  leave();
  setStatus(state, message);
  clearTimeout(retryTimer);
  retryTimer = setTimeout(async () => {
    const live = await refreshChannels();
    if (live.includes(channel)) void join();
    else retry(message, state);
  }, 1000);
}

function option(value: string, label: string): HTMLOptionElement {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = label;
  return o;
}

renditionSelect.addEventListener("change", () => void current?.watcher.switchRendition(renditionSelect.value));
latencyInput.addEventListener("input", () => {
  latencyValue.textContent = `${latencyInput.value} ms`;
  current?.player.setTargetLatency(Number(latencyInput.value));
});
showStats.addEventListener("change", () => {
  statsView.hidden = !showStats.checked;
});
joinButton.addEventListener("click", () => void join());

if (channel === "") {
  setStatus("idle", "Pick a channel from the list.");
} else if (!isValidChannelName(channel)) {
  setStatus("error", `"${channel}" is not a channel name.`);
} else {
  // Audio may start only after a user gesture unless the browser allows autoplay; the Join button is that gesture.
  const context = new AudioContext();
  const autoplay = context.state === "running";
  void context.close();
  if (autoplay) void join();
  else {
    setStatus("idle", `Channel ${channel}: press Join to start watching.`);
    joinButton.hidden = false;
  }
}
