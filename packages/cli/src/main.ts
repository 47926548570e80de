#!/usr/bin/env node
// The `vmlab` command: one module per subcommand under commands/.
import "reflect-metadata";
import { runCli } from "./cli.js";

process.exitCode = await runCli(process.argv.slice(2));
