// Glass-to-glass measurement shared by every player page of `moqlive testbed run`: reads the capture time and frame
// number burnt into each presented frame (FrameStamp.cs is the writer: two bands of 32 blocks of 20 x 24 px, bit 31
// first, each followed by the same bits inverted) and keeps per-frame latency, time to first frame, stalls, frames
// that never showed (gaps in the frame numbers) and received bytes. A page with a <video> attaches it (attach); a page
// that draws on a canvas (the MoqLive audience app) is sampled on every animation frame (attachCanvas): the same reader
// on the same pixels, a frame counting when its frame number changes.
"use strict";
window.testbedMeasure = (() => {
  const width = 640;
  const bits = 32;
  const blockWidth = 20;
  const blockHeight = 24;
  const canvas = document.createElement("canvas");
  canvas.width = width;
  const bandHeight = 2 * blockHeight;
  canvas.height = 2 * bandHeight;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const pageStart = Date.now();
  const state = {
    pageStart,
    firstFrameAt: null,
    frames: [], // [wall-clock ms when presented, latency ms]
    unreadable: 0,
    missingFrames: 0,
    stalls: [], // [start ms, duration ms]
    bytes: [], // [wall-clock ms, bytes]
    locFrames: [], // [wall-clock ms when seen, latency ms from the player's own LOC capture TIMESTAMP] (MoqLive only)
    errors: [],
  };
  let stallStart = null;
  let lastIndex = null;

  function readBand(pixels, band) {
    const top = band * bandHeight;
    let value = 0;
    for (let bit = 0; bit < bits; bit++) {
      const x = bit * blockWidth + blockWidth / 2;
      const one = pixels[((top + blockHeight / 2) * width + x) * 4] >= 128;
      const inverse = pixels[((top + blockHeight + blockHeight / 2) * width + x) * 4] >= 128;
      if (one === inverse) return null;
      value = value * 2 + (one ? 1 : 0);
    }
    return value;
  }

  // Reads the stamp of the picture `source` shows now; null when it is not readable (no picture yet, or smeared). A
  // picture of another size (MoqLive's half-size rendition) is scaled to the stamp's 640 px width first.
  function read(source) {
    const sourceWidth = source.videoWidth || source.width;
    context.drawImage(source, 0, 0, sourceWidth, (canvas.height * sourceWidth) / width, 0, 0, width, canvas.height);
    const pixels = context.getImageData(0, 0, width, canvas.height).data;
    const stamp = readBand(pixels, 0);
    const index = readBand(pixels, 1);
    return stamp === null || index === null ? null : { stamp, index };
  }

  function record(now, read) {
    // Latency modulo 2^32 ms, as the stamp carries the low 32 bits of the Unix time.
    const latency = (now - read.stamp) % 2 ** 32;
    if (state.firstFrameAt === null) state.firstFrameAt = now;
    if (lastIndex !== null && read.index > lastIndex + 1) state.missingFrames += read.index - lastIndex - 1;
    if (lastIndex === null || read.index > lastIndex) lastIndex = read.index;
    state.frames.push([now, latency]);
  }

  function onFrame(video) {
    const now = Date.now();
    const stamp = read(video);
    if (stamp === null) state.unreadable++;
    else record(now, stamp);
  }

  function attach(video) {
    const next = () => {
      if (video.requestVideoFrameCallback) {
        video.requestVideoFrameCallback(() => {
          onFrame(video);
          next();
        });
      } else {
        requestAnimationFrame(() => {
          onFrame(video);
          next();
        });
      }
    };
    next();
    video.addEventListener("waiting", () => {
      if (state.firstFrameAt !== null && stallStart === null) stallStart = Date.now();
    });
    const resume = () => {
      if (stallStart !== null) {
        state.stalls.push([stallStart, Date.now() - stallStart]);
        stallStart = null;
      }
    };
    video.addEventListener("playing", resume);
    video.addEventListener("timeupdate", () => {
      if (stallStart !== null && !video.paused && video.readyState >= 3) resume();
    });
  }

  // A canvas has no frame callback or playback events: it is sampled on every animation frame (at the display rate,
  // above the source's 30 fps), a new frame number is a presented frame, and a gap of more than `stallGapMs` between
  // presented frames (after the first) counts as a stall. `findCanvas` is called each time, as a player may replace
  // its canvas when it re-joins.
  const stallGapMs = 200;
  let lastPresented = null;
  function presented(now) {
    if (lastPresented !== null && now - lastPresented > stallGapMs) state.stalls.push([lastPresented, now - lastPresented]);
    lastPresented = now;
  }

  // A latency the player itself computed from the frame's LOC capture TIMESTAMP. With `asFrame` it is also the frame
  // measurement (a source without burnt-in stamps: the streamer app's fake camera); the frame is not numbered.
  function addLocSample(now, latency, asFrame) {
    state.locFrames.push([now, latency]);
    if (!asFrame) return;
    presented(now);
    if (state.firstFrameAt === null) state.firstFrameAt = now;
    state.frames.push([now, latency]);
  }

  function attachCanvas(findCanvas) {
    const tick = () => {
      const source = findCanvas();
      if (source && source.width > 0 && source.height > 0) {
        const now = Date.now();
        let stamp = null;
        try {
          stamp = read(source);
        } catch (e) {
          error(`canvas not readable: ${e}`);
        }
        if (stamp !== null && stamp.index !== lastIndex) {
          presented(now);
          record(now, stamp);
        }
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  function snapshot(video) {
    const quality = video?.getVideoPlaybackQuality ? video.getVideoPlaybackQuality() : null;
    const now = Date.now();
    let open = [];
    if (stallStart !== null) open = [[stallStart, now - stallStart]];
    else if (lastPresented !== null && now - lastPresented > stallGapMs) open = [[lastPresented, now - lastPresented]];
    return {
      ...state,
      stalls: state.stalls.concat(open),
      droppedVideoFrames: quality ? quality.droppedVideoFrames : 0,
      totalVideoFrames: quality ? quality.totalVideoFrames : 0,
      now,
    };
  }

  const errors = new Set();
  function error(message) {
    const text = String(message);
    if (!errors.has(text)) {
      errors.add(text);
      state.errors.push(text);
    }
  }

  return {
    attach,
    attachCanvas,
    addLocSample,
    setMissingFrames: (n) => {
      state.missingFrames = n;
    },
    snapshot,
    addBytes: (n) => state.bytes.push([Date.now(), n]),
    error,
  };
})();
