export {
  buildImage, assembleProgram, guestDefines, BuildError, KERNEL_DIR, KERNEL_FILE, RUNTIME_DIR, PROGRAM_TABLE, USER_CODE,
  DEFAULT_TIMER_PERIOD, type BuildOptions, type ProgramSource,
} from "./builder.js";
