#!/usr/bin/env node
// The `vmlab` command: one module per subcommand under commands/.
import "reflect-metadata";
import { runCli } from "./cli.js";
import { rerunWithWorkspaceCompilerOptions } from "./source-mode.js";

rerunWithWorkspaceCompilerOptions();

// `pnpm vmlab ...` runs in the workspace root; paths the user gives are relative to
// where they typed it, which pnpm passes as INIT_CWD.
const script = process.env.npm_lifecycle_event;
if ((script === "vmlab" || script === "vmlab:dev") && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

// Output cut short by the reader (`vmlab list | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await runCli(process.argv.slice(2));
