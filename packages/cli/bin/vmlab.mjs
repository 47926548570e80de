#!/usr/bin/env node
// The `vmlab` command: the prebuilt JavaScript in ../dist, rebuilt first when a source
// has changed since (so a checkout or an edit never runs stale code).
import { ensureBuilt } from "../build.mjs";

await ensureBuilt((line) => process.stderr.write(`vmlab: ${line}\n`));
await import("../dist/vmlab.mjs");
