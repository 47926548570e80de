// The names the commands' options offer: built into the prebuilt command (build.mjs
// evaluates names-from-packages.ts), read from the packages when run from the sources.
import type { Names } from "./names-from-packages.js";

/** Set by the bundler: names-from-packages.ts's `names`, evaluated at build time. */
declare const VMLAB_NAMES: Names | undefined;

export const NAMES: Names = typeof VMLAB_NAMES !== "undefined" ? VMLAB_NAMES : (await import("./names-from-packages.js")).names;
