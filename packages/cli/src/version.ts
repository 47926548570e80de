import { readFileSync } from "node:fs";

/** vmlab's version: the CLI package's. */
export const VERSION: string = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
