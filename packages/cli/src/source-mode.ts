// Run from the TypeScript sources through tsx (`pnpm vmlab:dev`, or tsx on main.ts), the
// strategy packages need the workspace's compiler options (inversify's parameter
// decorators need experimentalDecorators), and tsx takes them from the tsconfig.json of
// the directory it starts in. Started outside the workspace, vmlab runs itself again
// with the workspace's tsconfig named.
import { spawnSync } from "node:child_process";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** Set by the bundler (build.mjs) in the prebuilt command. */
declare const VMLAB_BUNDLED: boolean | undefined;

export function rerunWithWorkspaceCompilerOptions(): void {
  if (typeof VMLAB_BUNDLED !== "undefined" || process.env.TSX_TSCONFIG_PATH) return;
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  if ((process.cwd() + sep).startsWith(root)) return;
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, TSX_TSCONFIG_PATH: join(root, "tsconfig.json") },
  });
  process.exit(r.status ?? 1);
}
