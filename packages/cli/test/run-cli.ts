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

/**
 * Runs `vmlab ARGS` inside the test's own process (runCli, with stdout and stderr
 * captured): the same command without a process start, for the many bad-input cases.
 */
export async function vmlabInProcess(args: string[]): Promise<CliRun> {
  const { runCli } = await import("../src/cli.js");
  const captured = { stdout: "", stderr: "" };
  const streams = { stdout: process.stdout, stderr: process.stderr } as const;
  const saved = { stdout: process.stdout.write, stderr: process.stderr.write, debug: process.env.VMLAB_DEBUG };
  for (const name of ["stdout", "stderr"] as const) {
    streams[name].write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      captured[name] += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof process.stdout.write;
  }
  process.env.VMLAB_DEBUG = "";
  try {
    const status = await runCli(args);
    return { status, ...captured };
  } finally {
    process.stdout.write = saved.stdout;
    process.stderr.write = saved.stderr;
    if (saved.debug === undefined) delete process.env.VMLAB_DEBUG;
    else process.env.VMLAB_DEBUG = saved.debug;
    process.exitCode = undefined;
  }
}
