// Builds the web app into dist/ with Vite (vite.config.ts beside this file). Run by the
// workspace's `prepare` script (so by `pnpm install`), by `vmlab serve` when there is no
// build, and by the tests' global setup when a source is newer than the build.
import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const WEB = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(dirname(WEB));
export const DIST = join(WEB, "dist");

/** What the app is built from: the packages' sources, the guest's kernel and runtime, the scenarios. */
const INPUTS = [join(ROOT, "packages"), join(ROOT, "scenarios")];
const SKIP = new Set(["node_modules", "dist", "test", "bin"]);

function newestInput(dir, newest = 0) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith(".") || entry.name.startsWith("dist.")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = newestInput(path, newest);
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Why dist/ must be rebuilt, or undefined when it is up to date. */
export function staleReason() {
  let built;
  try {
    built = statSync(join(DIST, "index.html")).mtimeMs;
  } catch {
    return "no build yet";
  }
  const newest = Math.max(...INPUTS.map((d) => newestInput(d)));
  return newest > built ? "a source changed" : undefined;
}

/** Builds dist/; returns the wall time in ms. */
export async function build() {
  const started = performance.now();
  const vite = await import("vite");
  await vite.build({ configFile: join(WEB, "vite.config.ts"), logLevel: "warn" });
  return performance.now() - started;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ms = await build();
  process.stderr.write(`built ${relative(process.cwd(), DIST) || DIST}/ in ${(ms / 1000).toFixed(1)} s\n`);
}
