// Audience player page: wiring only. Playback lives in @moqlive/media, MOQT in @moqlive/moqt. Loaded by watch.ts once
// watch-start.ts has started the first join's decoder worker and WebTransport session.
import { ChatRoom, defineChatElement, type MoqliveChatElement } from "@moqlive/chat";
import {
  type AudioOutputStats,
  type Catalog,
  ChannelWatcher,
  channelNamespace,
  channelSubscriber,
  createPlayerAudioContext,
  defineStatsView,
  estimateClockOffset,
  formatBitrate,
  formatMs,
  isValidChannelName,
  JoinTimeline,
  MediaPlayer,
  type PlayerStats,
  parseCatalog,
  percentile,
  type StatsView,
  StopReason,
  startRendition,
  videoRenditions,
} from "@moqlive/media";
import { type CertificateHash, CertificateHashSource, MoqtRequestError, type MoqtSession, openSession } from "@moqlive/moqt";
import { followChannelList } from "./channel-list.ts";
import { pageStart, serverMeta } from "./watch-start.ts";

interface AudienceStats {
  state: "idle" | "connecting" | "playing" | "ended" | "error";
  error?: string;
  channel?: string;
  joinedAt?: number;
  timeToFirstFrameMs?: number | undefined;
  /**
   * The page's first join's first frame, ms since the page's navigation started (`performance.timeOrigin`): what a
   * viewer who opened the page waited, page load included.
   */
  pageToFirstFrameMs?: number | undefined;
  /**
   * The newest join's steps, ms since the join (also `moqlive:STEP` performance marks): transport-start (the page
   * started the WebTransport session as it loaded, before the join: negative), certificate (the
   * certificate hash at hand: from the page, or fetched from /certificate.sha256 as the page loaded), player (the player is set up), transport (WebTransport
   * ready), connected (MOQT SETUP done), clock, each track request's TRACK:subscribe-opened / -sent / -answered and
   * TRACK:fetch-... (the stream open, the request written to it, its response read), the watcher's
   * steps (catalog-subscribed, catalog, video-subscribed, video-object, ...), then in the decoder worker first-object,
   * first-decode, first-output (decoded) and first-frame (drawn); audio-context, audio-worklet and audio-output (the
   * audio output, set up once the picture is up); and the worker's start: decoder-start (the page started it as it
   * loaded, before the join: negative), decoder-thread,
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
  /** The browser did not let audio start without a user gesture: video plays, the Join button offers sound. */
  audioBlocked?: boolean;
  /** Chat messages shown, as "from: text". */
  chat: string[];
}

declare global {
  interface Window {
    /** Test hook: the player's state and stats. */
    __moqliveStats?: AudienceStats;
  }
}

// The first join's decoder worker, started by watch-start.ts (a page opened without a channel has none).
let spareDecoder = pageStart.worker;
pageStart.worker = undefined;

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
/** How long chat and the audio output wait for the first frame before they start anyway. */
const PICTURE_WAIT_MS = 3000;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
const stopReason = new StopReason();
// `moqlive serve` puts the certificate hash and the MOQT path in the page, so a join connects at once (issue 5); served
// without them (Vite's dev server) the page fetches the hash as it loads, and a failure is retried by the join.
const moqtUrl = pageStart.moqtUrl;
const certificateHash = new CertificateHashSource(location.origin, undefined, pageStart.certificateSha256);
certificateHash.get().catch(() => {});
/**
 * The channel's catalog as the relay had it when it served the page (`moqlive serve` puts it in the page when the relay
 * carries the channel): the first join configures the decoder and subscribes to the catalog's tracks with it at once
 * (issue 5). Later joins (the channel ended or the connection was lost) wait for the live catalog: this one may be stale.
 */
let pageCatalog = readPageCatalog();

function readPageCatalog(): Catalog | undefined {
  const json = serverMeta("catalog");
  if (json === undefined || json === "") return undefined;
  try {
    return parseCatalog(json);
  } catch (e) {
    console.warn("The page's catalog is unusable; waiting for the channel's:", e);
    return undefined;
  }
}

function setStatus(state: AudienceStats["state"], text: string): void {
  if (state === "playing") stopReason.playing();
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

/**
 * Joins the channel. With `needsAutoplay` (the join the page starts by itself) it plays video only, showing the Join
 * button, when the browser does not let audio start without a user gesture ({@link startAudio}); the button's click is
 * that gesture.
 */
async function join(needsAutoplay = false): Promise<void> {
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
  // The page's first join takes over the session watch-start.ts started as the page loaded.
  const early = pageStart.transport;
  pageStart.transport = undefined;
  if (early !== undefined && pageStart.transportStartedAt !== undefined) timeline.mark("transport-start", pageStart.transportStartedAt);
  const open = (hash: CertificateHash) => {
    timeline.mark("certificate");
    // The join's requests go out as soon as the WebTransport session is ready, beside our SETUP (draft-19 "Session
    // initialization"), not a round trip later after the server's: `connected` (SETUP done) may come after them.
    return openSession(moqtUrl, {
      serverCertificateHashes: [hash],
      ...(early === undefined ? {} : { transport: early }),
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
  // With the hash at hand (the page carries it) the WebTransport session starts right here (or started as the page
  // loaded), before the player below takes the main thread.
  const known = certificateHash.current;
  // (A page that started its session early carries the hash: `known` is then set.)
  const connecting = known === undefined ? certificateHash.get().then(open) : open(known);
  // A canvas can be transferred to a worker once: each join draws on a fresh one. The player's video side (decoder
  // worker) starts while the session connects; its audio output once the picture is up (below).
  const canvas = document.createElement("canvas");
  canvas.width = 1280;
  canvas.height = 720;
  canvas.id = "video";
  screen.replaceChildren(canvas);
  const joinedAt = stats.joinedAt;
  const worker = spareDecoder;
  spareDecoder = undefined;
  if (worker !== undefined && pageStart.workerStartedAt !== undefined) timeline.mark("decoder-start", pageStart.workerStartedAt);
  const knownCatalog = pageCatalog;
  pageCatalog = undefined;
  const expectedVideo = knownCatalog === undefined ? undefined : startRendition(knownCatalog, renditionSelect.value === "auto");
  const player = new MediaPlayer({
    ...(worker === undefined ? {} : { worker }),
    ...(expectedVideo === undefined ? {} : { expectedVideo }),
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
  const watcher = new ChannelWatcher(
    channelSubscriber(session, channelNamespace(channel)),
    player,
    {
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
    },
    knownCatalog === undefined ? {} : { catalog: knownCatalog },
  );
  let drawn!: () => void;
  const firstFrame = new Promise<void>((resolve) => {
    drawn = resolve;
  });
  const joined: NonNullable<typeof current> = { session, player, watcher, base: { ...totals }, timeline, drawn };
  current = joined;
  // The watcher's requests go out first: its first stream opens before any of chat's.
  const watching = watcher.run();
  // The audio output and chat start once the picture is up (or after PICTURE_WAIT_MS). Creating the AudioContext and
  // loading its AudioWorklet take the main thread for 20–350 ms (Chromium's audio output set-up; BENCHMARKS.md), which
  // would hold up the join's requests and answers, all handled on this thread; chat's requests (PUBLISH_NAMESPACE,
  // SUBSCRIBE_NAMESPACE, a SUBSCRIBE and joining FETCH per participant, each relayed to that participant) would compete
  // with the join's for the browser's stream opening and the relay (issue 5).
  const pictureWait = new Promise<void>((resolve) => setTimeout(resolve, PICTURE_WAIT_MS));
  void Promise.race([firstFrame, pictureWait]).then(() => {
    if (current !== joined) return;
    startAudio(joined, needsAutoplay);
    joinChat(joined);
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

/**
 * Starts the join's audio output. The AudioContext's state is the autoplay check: when the browser does not let audio
 * start without a user gesture (`needsAutoplay`: the join the page started by itself), video keeps playing and the Join
 * button offers sound; its click is that gesture, and the join it starts may play audio.
 */
function startAudio(joined: NonNullable<typeof current>, needsAutoplay: boolean): void {
  const context = createPlayerAudioContext();
  joined.timeline.mark("audio-context");
  if (needsAutoplay && context.state !== "running") {
    void context.close();
    stats.audioBlocked = true;
    setStatus("playing", `Playing ${channel} without sound: press Join to start watching with sound.`);
    joinButton.hidden = false;
    return;
  }
  stats.audioBlocked = false;
  joined.player.startAudio(context);
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
    if (stats.joins === 1) stats.pageToFirstFrameMs = s.firstFrameAt - performance.timeOrigin;
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
  setStatus(state, stopReason.stopped(state, message));
  clearTimeout(retryTimer);
  retryTimer = setTimeout(async () => {
    const live = await refreshChannels();
    if (live?.includes(channel)) void join();
    // A channel that ended may have gone with its server: say so rather than wait for the channel.
    else if (live === undefined) retry("Cannot reach the MoqLive server. Retrying…", "error");
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
  // Audio may start only after a user gesture unless the browser allows autoplay: join() tells, and shows the Join
  // button when it does not.
  void join(true);
}
