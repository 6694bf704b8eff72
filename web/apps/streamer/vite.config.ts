import { defineConfig } from "vite";

// Served by `moqlive serve` under /streamer/ (see src/MoqLive.Server/MoqLive.Server.csproj's web build).
export default defineConfig({
  base: "/streamer/",
  build: { target: "es2022", outDir: "dist", emptyOutDir: true },
  worker: { format: "es" },
});
