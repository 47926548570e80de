// The work of `vmlab model`, imported only when it runs (see commands/lazy.ts).
import { MACHINE_PROFILES, PUBLISHED, VALIDATION } from "@vmlab/core";
import { modelMarkdown } from "@vmlab/report";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { printJson } from "../options.js";

export default async function modelAction(o: { out?: string; json?: boolean }): Promise<void> {
  if (o.json) {
    printJson({ machineProfiles: Object.values(MACHINE_PROFILES), published: Object.values(PUBLISHED), validation: VALIDATION.map(({ compute: _c, ...row }) => row) });
    return;
  }
  const text = modelMarkdown();
  if (o.out) {
    writeFileSync(resolve(o.out), text);
    process.stderr.write(`wrote ${resolve(o.out)}\n`);
  } else process.stdout.write(text);
}
