import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
/** The `vmlab` command as the set-up installs it (the prebuilt JavaScript). */
export const bin = fileURLToPath(new URL("../bin/vmlab.mjs", import.meta.url));
const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const tsx = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url));

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Run the TypeScript sources through tsx, as `pnpm vmlab:dev` does, instead of the prebuilt command. */
  source?: boolean;
}

/** Runs `vmlab ARGS` as a user would, from the repository root unless told otherwise; not a terminal, so 100 columns wide. */
export function vmlab(args: string[], options: CliOptions = {}): CliRun {
  const { INIT_CWD: _i, npm_lifecycle_event: _e, COLUMNS: _c, ...env } = process.env;
  const [command, argv] = options.source ? [tsx, [main, ...args]] : [process.execPath, [bin, ...args]];
  const r = spawnSync(command, argv, {
    cwd: options.cwd ?? repoRoot,
    encoding: "utf8",
    env: { ...env, VMLAB_DEBUG: "", FORCE_COLOR: "0", ...options.env },
    timeout: 120_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `vmlab ARGS` in the background, so several can run at once (a matrix's shards). */
export function vmlabAsync(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const { INIT_CWD: _i, npm_lifecycle_event: _e, COLUMNS: _c, ...env } = process.env;
    const p = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, env: { ...env, VMLAB_DEBUG: "", FORCE_COLOR: "0" } });
    let stdout = "";
    let stderr = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    p.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    p.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** A crash trace has "    at file:line" frames; user-facing errors never do. */
export const hasStackTrace = (text: string): boolean => /^\s+at .+:\d+/m.test(text);
