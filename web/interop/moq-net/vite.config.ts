import { defineConfig } from "vite";

// One classic script (IIFE) that sets window.MoqNetInterop, so the E2E test can serve it from a loopback page
// without a module graph: tests/MoqLive.E2E.Tests/Browser/MoqNetInteropTests.cs.
export default defineConfig({
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    minify: false,
    lib: {
      entry: "src/index.ts",
      name: "MoqNetInterop",
      formats: ["iife"],
      fileName: () => "moq-net-interop.js",
    },
  },
});
