// Starting a worker thread (a matrix's, a fuzz campaign's). From source, a worker loads TypeScript through tsx
// (a worker does not inherit the parent's loader hooks); in the prebuilt `vmlab` command
// (packages/cli/build.mjs) it is plain JavaScript beside the bundle.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

/** Set by the bundler: the prebuilt worker, relative to this file. */
declare const VMLAB_BUNDLED_WORKER: string | undefined;

/** tsx's ESM loader API (the package's "import" export of tsx/esm/api). */
function tsxEsmApi(): string {
  const cjs = createRequire(import.meta.url).resolve("tsx/esm/api");
  const esm = cjs.replace(/\.cjs$/, ".mjs");
  return pathToFileURL(existsSync(esm) ? esm : cjs).href;
}

/** The workspace's compiler options (decorators), whatever the directory vmlab runs from. */
const TSCONFIG = fileURLToPath(new URL("../../../tsconfig.json", import.meta.url));

/**
 * A worker thread running a TypeScript module from source: it registers tsx with the
 * workspace's compiler options, then imports `module`.
 */
export function startTypeScriptWorker(module: URL, options: { readonly workerData?: unknown } = {}): Worker {
  const bootstrap = `
    import(${JSON.stringify(tsxEsmApi())})
      .then((tsx) => { tsx.register({ tsconfig: ${JSON.stringify(TSCONFIG)} }); return import(${JSON.stringify(module.href)}); })
      .catch((e) => { console.error(e); process.exit(1); });
  `;
  return new Worker(bootstrap, { eval: true, ...options });
}

export function startMatrixWorker(): Worker {
  if (typeof VMLAB_BUNDLED_WORKER === "string") return new Worker(new URL(VMLAB_BUNDLED_WORKER, import.meta.url));
  return startTypeScriptWorker(new URL("./matrix-worker.ts", import.meta.url));
}
