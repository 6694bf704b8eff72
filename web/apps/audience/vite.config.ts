import { resolve } from "node:path";
import { defineConfig } from "vite";

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
});
