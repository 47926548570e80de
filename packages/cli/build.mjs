// Builds the `vmlab` command into plain JavaScript (dist/), so that it starts without
// compiling TypeScript on each call. Run by the workspace's `prepare` script (so by
// `pnpm install`), by `pnpm build`, and by bin/vmlab.mjs when a source is newer than
// the build.
//
// Layout: dist/vmlab.mjs (the command), dist/matrix-worker.mjs (a matrix worker thread),
// one dist/<package>.mjs per built-in strategy package (loaded by URL, as any strategy
// package is), and shared chunks, all in one folder. dist/inputs.json lists the sources
// the build read, for the staleness check.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const CLI = dirname(fileURLToPath(import.meta.url));
const PACKAGES = dirname(CLI);
const ROOT = dirname(PACKAGES);
export const DIST = join(CLI, "dist");
const INPUTS = join(DIST, "inputs.json");

/** The built-in strategy packages (core's BUILTIN_STRATEGY_PACKAGES), as folders under packages/. */
export const STRATEGY_PACKAGES = [
  "strategy-native", "strategy-interpret", "strategy-trap-emulate", "strategy-binary-translation", "strategy-hardware-assist",
  "paging-software-tlb", "paging-shadow", "paging-nested", "strategy-paravirt",
];

/**
 * Sources find files beside themselves (the guest kernel, scenarios/, chart.js) through
 * import.meta.url: in the bundle each keeps pointing at its own source file, relative to
 * the bundle's folder, so the repository can still be moved after a build.
 */
const sourceUrls = {
  name: "source-import-meta-url",
  setup(build) {
    build.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]src[\\/].*\.ts$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      if (!text.includes("import.meta.url")) return undefined;
      const rel = relative(DIST, args.path).split(sep).join("/");
      return { contents: text.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: "ts" };
    });
  },
};

/** The names the options offer (cli/src/names-from-packages.ts), evaluated once here. */
async function namesFromPackages(esbuild, tmp) {
  const out = join(tmp, "names.mjs");
  await esbuild.build({
    entryPoints: [join(CLI, "src", "names-from-packages.ts")],
    outfile: out,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: ["tsx", "tsx/*", "esbuild"],
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true } },
    banner: { js: "import { createRequire as __vmlabRequire } from 'node:module'; const require = __vmlabRequire(import.meta.url);" },
    plugins: [sourceUrls],
    logLevel: "error",
  });
  const { names } = await import(pathToFileURL(out).href);
  rmSync(out);
  return names;
}

/** Builds dist/ into a fresh folder and swaps it in. Returns the build's wall time in ms. */
export async function build() {
  const started = performance.now();
  const esbuild = await import("esbuild");
  const tmp = `${DIST}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const names = await namesFromPackages(esbuild, tmp);
  const entryPoints = {
    vmlab: join(CLI, "src", "main.ts"),
    "matrix-worker": join(PACKAGES, "core", "src", "matrix-worker.ts"),
    ...Object.fromEntries(STRATEGY_PACKAGES.map((p) => [p, join(PACKAGES, p, "src", "index.ts")])),
  };
  const result = await esbuild.build({
    entryPoints,
    absWorkingDir: ROOT,
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunk-[hash]",
    // tsx is only needed to load a TypeScript strategy package named by a vmlab.config.json.
    external: ["tsx", "tsx/*", "esbuild"],
    // inversify's decorators, as the typecheck compiles them.
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: false, useDefineForClassFields: true } },
    define: {
      // cli/src/names.ts: the choices and defaults the options offer, so that listing them loads no package.
      VMLAB_NAMES: JSON.stringify(names),
      // cli/src/source-mode.ts: this is the prebuilt command, not the TypeScript sources.
      VMLAB_BUNDLED: "true",
      // core/src/worker-thread.ts: the worker is plain JavaScript in the bundle's folder.
      VMLAB_BUNDLED_WORKER: JSON.stringify(relative(join(PACKAGES, "core", "src"), join(DIST, "matrix-worker.mjs")).split(sep).join("/")),
      // cli/src/strategies.ts: the built-in strategy packages are dist/<package>.mjs.
      VMLAB_BUNDLED_STRATEGIES: JSON.stringify(relative(join(CLI, "src"), DIST).split(sep).join("/") + "/"),
    },
    banner: { js: "import { createRequire as __vmlabRequire } from 'node:module'; const require = __vmlabRequire(import.meta.url);" },
    plugins: [sourceUrls],
    metafile: true,
    logLevel: "error",
    legalComments: "none",
    minify: true,
    sourcemap: "linked",
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => !p.includes("node_modules") && !p.startsWith("<"))
    .map((p) => relative(DIST, join(ROOT, p)).split(sep).join("/"));
  inputs.push(relative(DIST, fileURLToPath(import.meta.url)).split(sep).join("/"));
  writeFileSync(join(tmp, "inputs.json"), JSON.stringify(inputs, null, 1) + "\n");
  // Swap the new build in whole, so a command never loads half of each.
  const old = `${DIST}.old-${process.pid}`;
  if (existsSync(DIST)) renameSync(DIST, old);
  renameSync(tmp, DIST);
  rmSync(old, { recursive: true, force: true });
  return performance.now() - started;
}

/**
 * Why dist/ must be rebuilt (a source newer than it, or no build), or undefined when
 * it is up to date. A few hundred stat calls: cheap enough for every start.
 */
export function staleReason() {
  let built;
  try {
    built = statSync(join(DIST, "vmlab.mjs")).mtimeMs;
  } catch {
    return "no build yet";
  }
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(INPUTS, "utf8"));
  } catch {
    return "no list of its sources";
  }
  for (const rel of inputs) {
    const path = fileURLToPath(new URL(rel, pathToFileURL(join(DIST, "x"))));
    try {
      if (statSync(path).mtimeMs > built) return `${relative(ROOT, path)} changed`;
    } catch {
      return `${relative(ROOT, path)} is gone`;
    }
  }
  return undefined;
}

function holderAlive(lock) {
  let pid;
  try {
    pid = Number(readFileSync(join(lock, "pid"), "utf8"));
  } catch {
    // Just made, its pid not written yet; or left without one long ago.
    return Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 5_000;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}

/** Rebuilds dist/ if it is stale; one process at a time (a lock folder), the others wait for it. */
export async function ensureBuilt(log = () => {}) {
  if (staleReason() === undefined) return;
  const lock = `${DIST}.lock`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      // A lock left by a process that is gone (or held too long) is taken over.
      if (Date.now() > deadline || !holderAlive(lock)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    const reason = staleReason();
    if (reason === undefined) return;
    log(`building the vmlab command (${reason})`);
    await build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ms = await build();
  process.stderr.write(`built ${relative(process.cwd(), DIST) || DIST}/ in ${(ms / 1000).toFixed(1)} s\n`);
}
