import { defineConfig } from "vitest/config";
import SummaryReporter from "./tools/summary-reporter.js";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    pool: "forks",
    globalSetup: ["tools/build-cli.ts", "tools/build-web.ts"],
    testTimeout: 120_000,
    reporters: ["default", new SummaryReporter()],
  },
});
