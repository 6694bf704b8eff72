import DecoderWorker from "./decoder-worker.ts?worker&inline";

/**
 * Starts a decoder worker for a `MediaPlayer` (media-player.ts). A worker takes 0.15–1 s from here until its script
 * runs on a loaded machine (issue 5, BENCHMARKS.md), and the player's messages queue until then: a page that will play
 * starts one as it loads and hands it to its first player. Its script (12 KB, nothing else imports it) is in this
 * module (a blob: URL), so its start fetches nothing: as a file of its own, preloaded or not, the worker's request
 * took 28–383 ms on a loaded machine (the browser does not cache what a server with a certificate error sent, as
 * `moqlive serve`'s development certificate is to a browser that was told to ignore it). This module is apart from the
 * player's, so that a page can start the worker from a small first script.
 */
export function startDecoderWorker(): Worker {
  return new DecoderWorker({ name: "moqlive-decoder" });
}
