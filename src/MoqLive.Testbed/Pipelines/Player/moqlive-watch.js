// Added (after measure.js, as a Playwright init script) to the MoqLive audience app's /watch/ page exactly as the relay
// serves it to users: default settings (jitter buffer target 150 ms, Auto rendition). The app draws the decoded frames
// on the canvas #video from its decoder worker; measure.js reads the burnt-in stamps back from that canvas with the
// same reader the HLS page uses on its <video>. With `window.testbedLatencyFromLoc` set (a source without stamps: the
// streamer app's fake camera) the frames are the latencies the app itself reports from each rendered frame's LOC
// capture TIMESTAMP (window.__moqliveStats.latencySamplesMs; the app keeps the newest 20000, so runs up to 11 minutes).
"use strict";
(() => {
  const measure = window.testbedMeasure;
  const fromLoc = window.testbedLatencyFromLoc === true;
  if (!fromLoc) measure.attachCanvas(() => document.getElementById("video"));
  let consumed = 0;
  const poll = () => {
    const samples = window.__moqliveStats?.latencySamplesMs;
    if (samples !== undefined) {
      const now = Date.now();
      for (; consumed < samples.length; consumed++) measure.addLocSample(now, Math.round(samples[consumed]), fromLoc);
    }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
  // Received bytes: the app's own receive meters (bit/s of the video and audio objects arriving over the last second),
  // sampled once a second. MoQ over WebTransport has no per-download events like hls.js's fragment loads.
  setInterval(() => {
    const stats = window.__moqliveStats;
    if (stats === undefined) return;
    if (stats.state === "error" && stats.error) measure.error(`player: ${stats.error}`);
    const bytes = Math.round(((stats.videoBitrate ?? 0) + (stats.audioBitrate ?? 0)) / 8);
    if (bytes > 0) measure.addBytes(bytes);
  }, 1000);
  window.testbedSnapshot = () => {
    // Without frame numbers, the frames the player itself dropped (late or skipped) are the missing ones.
    if (fromLoc) measure.setMissingFrames(window.__moqliveStats?.droppedFrames ?? 0);
    return measure.snapshot(null);
  };
})();
