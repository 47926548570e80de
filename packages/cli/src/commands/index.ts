import type { Command } from "commander";
import { register as asm } from "./asm.js";
import { register as classify } from "./classify.js";
import { register as disasm } from "./disasm.js";
import { register as exec } from "./exec.js";
import { register as list } from "./list.js";
import { register as matrix } from "./matrix.js";
import { register as memory } from "./memory.js";
import { register as merge } from "./merge.js";
import { register as run } from "./run.js";
import { register as serve } from "./serve.js";
import { register as sweep } from "./sweep.js";
import { register as trace } from "./trace.js";
import { register as validate } from "./validate.js";
import { register as model } from "./model.js";
import { register as quiz } from "./quiz.js";

export const commands: ReadonlyArray<(program: Command) => void> = [run, matrix, merge, sweep, trace, memory, quiz, validate, model, list, exec, asm, disasm, classify, serve];
