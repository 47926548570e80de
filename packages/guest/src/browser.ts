// The package's exports that run anywhere, a browser included (package.json's "browser"
// export). index.ts adds reading scenario folders from disk.
export {
  buildImage,
  assembleProgram,
  guestDefines,
  BuildError,
  KERNEL_DIR,
  KERNEL_FILE,
  RUNTIME_DIR,
  PROGRAM_TABLE,
  USER_CODE,
  DEFAULT_TIMER_PERIOD,
  type BuildOptions,
  type ProgramSource,
} from "./builder.js";
export {
  parseScenario,
  ScenarioError,
  MAX_BUDGET,
  MAX_VMS,
  MAX_DISK_CONTENTS_BYTES,
  type Scenario,
  type ScenarioSpec,
  type GuestDefinition,
  type SourceFile,
  type ScenarioFiles,
} from "./scenario.js";
export { runOnBareMetal, scenarioImage, diskContentsOf, type BareMetalRun } from "./run.js";
export {
  readProcessTable,
  PROCESS_SLOTS,
  PROCESS_SLOT_BYTES,
  PROCESS_FIELDS,
  PROCESS_STATES,
  type GuestProcess,
  type ProcessState,
} from "./process-table.js";
