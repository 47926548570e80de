#!/usr/bin/env node
// The `vmlab` command: one module per subcommand under commands/.
import "reflect-metadata";
import { Command, CommanderError } from "commander";
import { describeError, CliError } from "./errors.js";
import { commands } from "./commands/index.js";

const program = new Command("vmlab")
  .description("a laboratory for comparing virtualization strategies")
  .showHelpAfterError("(run `vmlab --help` for usage)")
  .exitOverride();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // commander has already printed its message (unknown option, bad choice, ...)
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`vmlab: ${describeError(e)}\n`);
    process.exitCode = e instanceof CliError ? e.exitCode : 1;
  }
}
