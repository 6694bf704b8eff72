import { resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";

/**
 * Puts preloads in the watch page's head, so the browser fetches beside the page's first script (watch.ts) what that
 * script starts only when it runs (issue 5, BENCHMARKS.md "branch wt-decworker"): the decoder worker's script (its own
 * file: `startDecoderWorker` in @moqlive/media) and the rest of the page (watch-page.ts, a chunk watch.ts imports once it
 * has started the worker and the WebTransport session). The files' names carry their hashes, known once the bundle is
 * written. The worker's script is fetched by the browser apart from the page, from the HTTP cache the preload filled
 * (`moqlive serve` lets the browser keep build assets: `MoqLiveServer.BuildAssetCacheControl`).
 */
function preloadWatchPageScripts(): Plugin {
  let base = "/";
  return {
    name: "moqlive:preload-watch-page-scripts",
    apply: "build",
    enforce: "post",
    configResolved(config) {
      base = config.base;
    },
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle);
      const worker = files.find((file) => /^assets\/decoder-worker-[\w-]+\.js$/.test(file));
      const rest = files.find((file) => /^assets\/watch-page-[\w-]+\.js$/.test(file));
      const page = bundle["watch/index.html"];
      if (worker === undefined || rest === undefined || page?.type !== "asset")
        this.error("the decoder worker's script, the watch page's chunk or the watch page is missing from the build");
      const links = [
        `<link rel="preload" href="${base}${worker}" as="fetch" crossorigin>`,
        // Fetched only: a modulepreload would also compile it, on the main thread, before watch.ts has run.
        `<link rel="preload" href="${base}${rest}" as="script" crossorigin>`,
      ];
      page.source = String(page.source).replace("</title>", `</title>\n    ${links.join("\n    ")}`);
    },
  };
}

// Served by `moqlive serve` at the site root: the home page (/) and the player (/watch/).
export default defineConfig({
  base: "/",
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    rollupOptions: { input: { home: resolve(import.meta.dirname, "index.html"), watch: resolve(import.meta.dirname, "watch/index.html") } },
  },
  worker: { format: "es" },
  plugins: [preloadWatchPageScripts()],
});
