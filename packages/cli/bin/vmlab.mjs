#!/usr/bin/env node
// The `vmlab` command: the prebuilt JavaScript in ../dist, rebuilt first when a source
// has changed since (so a checkout or an edit never runs stale code).
import { ensureBuilt } from "../build.mjs";

// VMLAB_DEBUG=1 prints stacks: name the sources' lines, not the bundle's.
if (process.env.VMLAB_DEBUG === "1") process.setSourceMapsEnabled(true);
await ensureBuilt((line) => process.stderr.write(`vmlab: ${line}\n`));
await import("../dist/vmlab.mjs");
