// A headless Chromium for the report's screenshot tests: the one shipped inside the
// @sparticuz/chromium npm package (unpacked to the temporary folder on first use), or
// the executable VMLAB_CHROMIUM names (e.g. Debian's /usr/bin/chromium).
import sparticuz from "@sparticuz/chromium";
import { chromium, type Browser } from "playwright-core";

/** Nothing but the page: this network answers no one, so Chromium must not try to call home. */
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--no-first-run",
  "--font-render-hinting=none",
];

export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.VMLAB_CHROMIUM ?? (await sparticuz.executablePath());
  // Playwright gives each launch a fresh, empty profile (--user-data-dir in a new temporary folder).
  return chromium.launch({ executablePath, headless: true, args: ARGS });
}
