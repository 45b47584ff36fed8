// Builds the dashboard (dist/) when it is missing or older than any of its sources: `pnpm start`
// and the end-to-end tests serve it from the Pulse server at /demo/dashboard/, never stale.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuilt } from "../../../scripts/ensure-built.mjs";

ensureBuilt({
  label: "dashboard",
  what: "the reference dashboard",
  packageRoot: join(dirname(fileURLToPath(import.meta.url)), ".."),
  outputs: ["dist/index.html"],
  sources: ["src", "index.html", "vite.config.ts", "package.json"],
});
