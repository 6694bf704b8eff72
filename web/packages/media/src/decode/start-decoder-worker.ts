/**
 * Starts a decoder worker for a `MediaPlayer` (media-player.ts). A worker takes 0.15–1 s from here until its script
 * runs on a loaded machine (issue 5, BENCHMARKS.md), and the player's messages queue until then: a page that will play
 * starts one as it loads and hands it to its first player. Its script is a file of its own (the build emits it beside
 * the page's bundle), small and imported by nothing else, so the page can fetch it ahead (a preload in its head). This
 * module is apart from the player's, so that a page can start the worker from a small first script.
 */
export function startDecoderWorker(): Worker {
  return new Worker(new URL("./decoder-worker.ts", import.meta.url), { type: "module", name: "moqlive-decoder" });
}
