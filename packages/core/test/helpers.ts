import { fileURLToPath } from "node:url";
import { BUILTIN_STRATEGY_PACKAGES, importStrategyModules, resolveStrategyPackage } from "../src/index.js";

export const CORE_DIR = fileURLToPath(new URL("..", import.meta.url));
/** The built-in strategy packages, resolved from the repository root (which depends on them). */
export const BUILTIN_URLS = BUILTIN_STRATEGY_PACKAGES.map((p) => resolveStrategyPackage(p, fileURLToPath(new URL("../../..", import.meta.url))));
export const builtinModules = () => importStrategyModules(BUILTIN_URLS);
