// The page and its lab worker, built into dist/ with relative paths, so that any static
// server (or `vmlab serve`) serves it from any folder.
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  logLevel: "warn",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // The lab's worker holds the machine, the guest and every strategy: one big chunk is expected.
    chunkSizeWarningLimit: 4096,
    reportCompressedSize: false,
  },
  worker: { format: "es" },
});
