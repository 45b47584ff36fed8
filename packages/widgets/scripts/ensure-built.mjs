// Builds the widgets (npm modules, dist/cdn scripts, demo page) when dist/cdn is missing or older
// than any of their sources: `pnpm start` and the end-to-end tests serve them from the Pulse
// server, and must never serve a stale build.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuilt } from "../../../scripts/ensure-built.mjs";

ensureBuilt({
  label: "widgets",
  what: "@pulse/widgets",
  packageRoot: join(dirname(fileURLToPath(import.meta.url)), ".."),
  outputs: ["dist/cdn/pulse-widgets.js", "dist/cdn/demo/index.html", "dist/cdn/demo/demo.js"],
  sources: [
    "src",
    "demo",
    "scripts",
    "vite.config.ts",
    "package.json",
    "tsconfig.json",
    "tsconfig.build.json",
  ],
});
