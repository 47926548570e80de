// The page and its lab worker, built into dist/ with relative paths, so that any static
// server (or `vmlab serve`) serves it from any folder.
import { defineConfig, type Plugin } from "vite";

/**
 * A module of the page's graph that imports a Node.js built-in fails the build, naming
 * it: the packages' browser entries ("browser" in their package.json) leave those out.
 */
function noNodeBuiltins(): Plugin {
  return {
    name: "vmlab-no-node-builtins",
    enforce: "pre",
    resolveId(id, importer) {
      if (id.startsWith("node:")) this.error(`${importer ?? "the page"} imports ${id}, which a browser does not have: give its package a browser entry without it`);
      return null;
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  logLevel: "warn",
  plugins: [noNodeBuiltins()],
  worker: { format: "es", plugins: () => [noNodeBuiltins()] },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // The lab's worker holds the machine, the guest and every strategy: one big chunk is expected.
    chunkSizeWarningLimit: 4096,
    reportCompressedSize: false,
  },
});
