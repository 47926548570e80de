// Vitest's global setup: the prebuilt `vmlab` command the CLI tests run is rebuilt once
// here if a source changed, not by every test process at once.
// @ts-expect-error: a plain JavaScript module without type declarations
import { ensureBuilt } from "../packages/cli/build.mjs";

export default async function setup(): Promise<void> {
  await (ensureBuilt as (log: (line: string) => void) => Promise<void>)((line) => process.stderr.write(`${line}\n`));
}
