// Audience player page's entry. watch-start.ts starts the first join's decoder worker and WebTransport session; the rest
// of the page (watch-page.ts: chat, stats, the player, the custom elements, the join) is a chunk of its own, evaluated
// in a later task. Evaluated in the same task, it held the main thread for 80–380 ms right after `new Worker`, and the
// browser starts a dedicated worker's thread from the page's main thread (issue 5, BENCHMARKS.md "branch wt-decworker").
import "./watch-start.ts";

import("./watch-page.ts").catch((e: unknown) => {
  // As a failed bundle would: the page cannot run. Say so where a viewer looks.
  console.error("Could not load the player:", e);
  const status = document.getElementById("status");
  if (status !== null) {
    status.dataset.state = "error";
    status.textContent = "Could not load the player. Reload the page to try again.";
  }
});
