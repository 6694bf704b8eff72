// Audience player page's entry. watch-start.ts starts the first join's decoder worker and WebTransport session; the rest
// of the page (watch-page.ts: chat, stats, the player, the custom elements, the join) is a chunk of its own, evaluated
// in a later task. Evaluated in the same task, it held the main thread for 80–380 ms right after `new Worker`, and the
// browser starts a dedicated worker's thread from the page's main thread (issue 5, BENCHMARKS.md "branch wt-decworker").
import "./watch-start.ts";

void import("./watch-page.ts");
