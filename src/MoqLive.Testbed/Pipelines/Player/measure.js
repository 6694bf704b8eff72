// Glass-to-glass measurement shared by every player page of `moqlive testbed run`: reads the capture time and frame
// number burnt into each presented frame (FrameStamp.cs is the writer: two bands of 32 blocks of 20 x 24 px, bit 31
// first, each followed by the same bits inverted) and keeps per-frame latency, time to first frame, stalls, frames
// that never showed (gaps in the frame numbers) and received bytes.
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

  function onFrame(video) {
    const now = Date.now();
    context.drawImage(video, 0, 0, width, canvas.height, 0, 0, width, canvas.height);
    const pixels = context.getImageData(0, 0, width, canvas.height).data;
    const stamp = readBand(pixels, 0);
    const index = readBand(pixels, 1);
    if (stamp === null || index === null) {
      state.unreadable++;
      return;
    }
    // Latency modulo 2^32 ms, as the stamp carries the low 32 bits of the Unix time.
    const latency = (now - stamp) % 2 ** 32;
    if (state.firstFrameAt === null) state.firstFrameAt = now;
    if (lastIndex !== null && index > lastIndex + 1) state.missingFrames += index - lastIndex - 1;
    if (lastIndex === null || index > lastIndex) lastIndex = index;
    state.frames.push([now, latency]);
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

  function snapshot(video) {
    const quality = video?.getVideoPlaybackQuality ? video.getVideoPlaybackQuality() : null;
    const open = stallStart === null ? [] : [[stallStart, Date.now() - stallStart]];
    return {
      ...state,
      stalls: state.stalls.concat(open),
      droppedVideoFrames: quality ? quality.droppedVideoFrames : 0,
      totalVideoFrames: quality ? quality.totalVideoFrames : 0,
      now: Date.now(),
    };
  }

  return {
    attach,
    snapshot,
    addBytes: (n) => state.bytes.push([Date.now(), n]),
    error: (message) => state.errors.push(String(message)),
  };
})();
