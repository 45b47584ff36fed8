import { defineConfig } from "vitest/config";

// One command runs every suite: pure formulas, server (in-process and over HTTP),
// cross-package end-to-end tests, and the widgets in a real Chromium.
export default defineConfig({
  test: {
    projects: ["packages/schema", "packages/server", "test", "packages/widgets"],
  },
});
