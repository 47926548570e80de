import type { Command } from "commander";
import { register as asm } from "./asm.js";
import { register as disasm } from "./disasm.js";
import { register as exec } from "./exec.js";

export const commands: ReadonlyArray<(program: Command) => void> = [asm, disasm, exec];
