import { resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";

/**
 * Puts a preload of the rest of the watch page (watch-page.ts, the chunk watch.ts imports once watch-start.ts has started
 * the decoder worker and the WebTransport session) in the page's head, so the browser fetches it beside watch.ts instead
 * of after watch.ts ran (issue 5, BENCHMARKS.md "branch wt-decworker"). Its name carries its hash, known once the bundle
 * is written.
 */
function preloadWatchPage(): Plugin {
  let base = "/";
  return {
    name: "moqlive:preload-watch-page",
    apply: "build",
    enforce: "post",
    configResolved(config) {
      base = config.base;
    },
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle);
      const rest = files.find((file) => /^assets\/watch-page-[\w-]+\.js$/.test(file));
      const page = bundle["watch/index.html"];
      if (rest === undefined || page?.type !== "asset") this.error("the watch page's chunk or the watch page is missing from the build");
      // Fetched only: a modulepreload would also compile it, on the main thread, before watch.ts has run.
      const link = `<link rel="preload" href="${base}${rest}" as="script" crossorigin>`;
      page.source = String(page.source).replace("</title>", `</title>\n    ${link}`);
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
  plugins: [preloadWatchPage()],
});
