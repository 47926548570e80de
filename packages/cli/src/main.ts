#!/usr/bin/env node
// The `vmlab` command: one module per subcommand under commands/.
import "reflect-metadata";
import { Command, CommanderError } from "commander";
import { EXIT, EXIT_CODES_HELP } from "./errors.js";
import { commands } from "./commands/index.js";
import { VERSION } from "./version.js";
import { rerunWithWorkspaceCompilerOptions } from "./source-mode.js";

rerunWithWorkspaceCompilerOptions();

// Output cut short by the reader (`vmlab list | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

// `pnpm vmlab ...` runs in the workspace root; paths the user gives are relative to
// where they typed it, which pnpm passes as INIT_CWD.
const script = process.env.npm_lifecycle_event;
if ((script === "vmlab" || script === "vmlab:dev") && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

const program = new Command("vmlab")
  .description("a laboratory for comparing virtualization strategies")
  .version(VERSION, "-V, --version", "print vmlab's version")
  .addHelpText("after", `\n${EXIT_CODES_HELP}`)
  .showHelpAfterError("(run `vmlab --help` for usage)")
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, "vmlab: ")) })
  .exitOverride();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // commander has printed its message (unknown option or command, missing argument, help, version).
    process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    const { describeError, exitCodeOf } = await import("./error-kinds.js");
    process.stderr.write(`vmlab: ${describeError(e)}\n`);
    process.exitCode = exitCodeOf(e);
  }
}
