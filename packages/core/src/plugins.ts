// Strategy packages are loaded by package name: the built-in ones from the workspace,
// more from a vmlab.config.json, so a new strategy needs no change to the core.
import { existsSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ContainerModule } from "inversify";
import { z } from "zod";
import { readSettingsText, settingsFileProblem } from "@vmlab/isa";

export const BUILTIN_STRATEGY_PACKAGES = [
  "@vmlab/strategy-native",
  "@vmlab/strategy-interpret",
  "@vmlab/strategy-trap-emulate",
  "@vmlab/strategy-binary-translation",
  "@vmlab/strategy-hardware-assist",
  "@vmlab/paging-software-tlb",
  "@vmlab/paging-shadow",
  "@vmlab/paging-nested",
  "@vmlab/strategy-paravirt",
];

const ConfigFileSchema = z.object({ strategies: z.array(z.string().min(1)).default([]) }).strict();

export class PluginError extends Error {}

/** A package name or path, resolved from `fromDir`, to a file URL workers can import too. */
export function resolveStrategyPackage(specifier: string, fromDir: string): string {
  try {
    const req = createRequire(join(resolve(fromDir), "noop.js"));
    if (isBuiltin(specifier)) throw new PluginError(`'${specifier}' is a Node.js built-in module, not a strategy package`);
    const path = specifier.startsWith(".") || specifier.startsWith("/") ? resolveLocal(specifier, fromDir) : req.resolve(specifier);
    return pathToFileURL(path).href;
  } catch (e) {
    if (e instanceof PluginError) throw e;
    throw new PluginError(`cannot find strategy package '${specifier}' (from ${fromDir})`);
  }
}

function resolveLocal(specifier: string, fromDir: string): string {
  const base = resolve(fromDir, specifier);
  const pkg = join(base, "package.json");
  if (existsSync(pkg)) {
    let manifest: { exports?: unknown };
    try {
      manifest = JSON.parse(readSettingsText(pkg)) as typeof manifest;
    } catch (e) {
      throw new PluginError(`${pkg}: ${settingsFileProblem(e)}`);
    }
    const exp = manifest?.exports ?? "src/index.ts";
    return resolve(base, typeof exp === "string" ? exp : "src/index.ts");
  }
  if (existsSync(base)) return base;
  throw new PluginError(`cannot find strategy package '${specifier}' (no ${base})`);
}

/** The strategy packages named by a vmlab.config.json (resolved against its folder). */
export function readConfigFile(file: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(readSettingsText(file));
  } catch (e) {
    throw new PluginError(`${file}: ${settingsFileProblem(e)}`);
  }
  const r = ConfigFileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new PluginError(`${file}: field '${issue.path.join(".") || "(top level)"}': ${issue.message}`);
  }
  return r.data.strategies.map((s) => resolveStrategyPackage(s, dirname(resolve(file))));
}

let typeScriptLoader: Promise<void> | undefined;

/**
 * A module by URL. A TypeScript strategy package loaded from plain JavaScript (the
 * prebuilt `vmlab` command) gets tsx's loader first, with the workspace's compiler options.
 */
async function importModule(url: string): Promise<unknown> {
  try {
    return await import(url);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ERR_UNKNOWN_FILE_EXTENSION") throw e;
    typeScriptLoader ??= import("tsx/esm/api").then((tsx) => {
      tsx.register({ tsconfig: fileURLToPath(new URL("../../../tsconfig.json", import.meta.url)) });
    });
    await typeScriptLoader;
    // Another URL for the same file: Node keeps the failed load of the first.
    return await import(`${url}${url.includes("?") ? "&" : "?"}ts`);
  }
}

export async function importStrategyModules(urls: readonly string[]): Promise<ContainerModule[]> {
  const modules: ContainerModule[] = [];
  for (const url of urls) {
    let m: { strategyModule?: ContainerModule };
    try {
      m = (await importModule(url)) as typeof m;
    } catch (e) {
      throw new PluginError(`cannot load strategy package ${url}: ${(e as Error).message.split("\n")[0]}`);
    }
    if (!m.strategyModule) throw new PluginError(`${url}: a strategy package must export 'strategyModule' (an inversify ContainerModule)`);
    modules.push(m.strategyModule);
  }
  return modules;
}
