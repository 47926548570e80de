// Vitest's global setup: the web app the browser tests drive is rebuilt once here when
// a source is newer than its build (or there is none), so a clean clone's test run works.
// @ts-expect-error: a plain JavaScript module without type declarations
import { build, staleReason } from "../packages/web/build.mjs";

export default async function setup(): Promise<void> {
  const reason = (staleReason as () => string | undefined)();
  if (reason === undefined) return;
  process.stderr.write(`building the web app (${reason})\n`);
  await (build as () => Promise<number>)();
}
