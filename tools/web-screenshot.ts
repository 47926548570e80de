// The README's picture of the web app: the Step tab of one experiment in headless
// Chromium, written to docs/web-app.png. `pnpm screenshot:web` (after a build).
import { fileURLToPath } from "node:url";
import { serveStatic } from "../packages/cli/src/static-server.js";
import { launchChromium } from "../packages/report/test/chromium.js";

const DIST = fileURLToPath(new URL("../packages/web/dist/", import.meta.url));
const OUT = fileURLToPath(new URL("../docs/web-app.png", import.meta.url));
const EXPERIMENT = "#tab=step&scenario=syscall&profile=riscv-like&cpu=trap-emulate&machine=p4-2006&host=bare-metal&step=3";

const server = await serveStatic(DIST);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 1560 } });
  await page.goto(`${server.url}${EXPERIMENT}`);
  await page.waitForSelector("[data-testid=moment]:has-text('After step 3')");
  await page.screenshot({ path: OUT });
  process.stderr.write(`wrote ${OUT}\n`);
} finally {
  await browser.close();
  await server.close();
}
