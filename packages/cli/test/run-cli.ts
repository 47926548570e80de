import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const tsx = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url));

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `vmlab ARGS` as a user would, from the repository root. */
export function vmlab(args: string[], options: { cwd?: string } = {}): CliRun {
  const r = spawnSync(tsx, [main, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: "utf8",
    env: { ...process.env, VMLAB_DEBUG: "", FORCE_COLOR: "0" },
    timeout: 120_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `vmlab ARGS` in the background, so several can run at once (a matrix's shards). */
export function vmlabAsync(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const p = spawn(tsx, [main, ...args], { cwd: repoRoot, env: { ...process.env, VMLAB_DEBUG: "", FORCE_COLOR: "0" } });
    let stdout = "";
    let stderr = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    p.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    p.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** A crash trace has "    at file:line" frames; user-facing errors never do. */
export const hasStackTrace = (text: string): boolean => /^\s+at .+:\d+/m.test(text);
