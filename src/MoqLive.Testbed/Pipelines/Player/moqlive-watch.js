// Added (after measure.js, as a Playwright init script) to the MoqLive audience app's /watch/ page exactly as the relay
// serves it to users: default settings (jitter buffer target 150 ms, Auto rendition). The app draws the decoded frames
// on the canvas #video from its decoder worker; measure.js reads the burnt-in stamps back from that canvas with the
// same reader the HLS page uses on its <video>.
"use strict";
window.testbedMeasure.attachCanvas(() => document.getElementById("video"));
// Received bytes: the app's own receive meters (bit/s of the video and audio objects arriving over the last second),
// sampled once a second. MoQ over WebTransport has no per-download events like hls.js's fragment loads.
setInterval(() => {
  const stats = window.__moqliveStats;
  if (stats === undefined) return;
  if (stats.state === "error" && stats.error) window.testbedMeasure.error(`player: ${stats.error}`);
  const bytes = Math.round(((stats.videoBitrate ?? 0) + (stats.audioBitrate ?? 0)) / 8);
  if (bytes > 0) window.testbedMeasure.addBytes(bytes);
}, 1000);
window.testbedSnapshot = () => window.testbedMeasure.snapshot(null);
