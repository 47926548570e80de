import type { Command } from "commander";
import { parseCount } from "../options.js";

/** The port `vmlab serve` listens on unless told (Vite's preview port: free on most machines). */
export const DEFAULT_PORT = 4173;

export function register(program: Command): void {
  program
    .command("serve")
    .description("serve the web app (packages/web/dist/, built first if there is no build) on this machine, for a browser")
    .option("--port <n>", `port to listen on (default ${DEFAULT_PORT})`, parseCount("--port", 65535), DEFAULT_PORT)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .action(async (o: { port: number; host: string }) => {
      const { existsSync } = await import("node:fs");
      const { join } = await import("node:path");
      const { fileURLToPath } = await import("node:url");
      const { CliError } = await import("../errors.js");
      const { serveStatic } = await import("../static-server.js");
      const dist = fileURLToPath(new URL("../../../web/dist/", import.meta.url));
      if (!existsSync(join(dist, "index.html"))) {
        process.stderr.write("vmlab: no build of the web app yet: building it\n");
        try {
          const web = await import(new URL("../../../web/build.mjs", import.meta.url).href);
          await (web.build as () => Promise<number>)();
        } catch (e) {
          throw new CliError(`could not build the web app (${(e as Error).message.split("\n")[0]}): run \`pnpm build\` in the repository, which builds packages/web/dist/`);
        }
      }
      try {
        const served = await serveStatic(dist, { port: o.port, host: o.host });
        process.stderr.write(`vmlab: the web app is at ${served.url} (Ctrl-C stops the server)\n`);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EADDRINUSE") throw new CliError(`port ${o.port} on ${o.host} is in use: pick another with --port N`);
        if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new CliError(`cannot listen on '${o.host}': not an address of this machine`);
        if (code === "EACCES") throw new CliError(`not allowed to listen on port ${o.port}: pick one above 1023 with --port N`);
        throw e;
      }
    });
}
