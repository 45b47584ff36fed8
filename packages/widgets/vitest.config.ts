import { playwright } from "@vitest/browser-playwright";
import { defineProject } from "vitest/config";
import type { BrowserCommand } from "vitest/node";

// Debian's Chromium: Playwright's own browser download is not reachable from our machines or CI.
const chromiumFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Lets tests switch colour scheme, forced colours and reduced motion, which a page cannot do by itself. */
const emulateMedia: BrowserCommand<
  [
    {
      colorScheme?: "light" | "dark" | null;
      forcedColors?: "active" | "none" | null;
      reducedMotion?: "reduce" | "no-preference" | null;
    },
  ]
> = async (context, options) => {
  await context.page.emulateMedia(options);
};

export default defineProject({
  test: {
    name: "widgets",
    include: ["src/**/*.test.ts", "demo/**/*.test.ts"],
    testTimeout: 20_000,
    globalSetup: ["./scripts/vitest-global-setup.mjs"],
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: process.env.PULSE_CHROMIUM ?? "/usr/bin/chromium",
          args: chromiumFlags,
        },
      }),
      instances: [{ browser: "chromium" }],
      viewport: { width: 900, height: 700 },
      commands: { emulateMedia },
      // Failure screenshots land with the deliberate ones, in the gitignored folder.
      screenshotDirectory: "screenshots/failures",
    },
  },
});
