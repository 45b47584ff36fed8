// Builds the widgets (npm modules, dist/cdn scripts, demo page) unless dist/cdn is already there:
// `pnpm start` and the end-to-end tests serve them from the Pulse server.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const built = ["pulse-widgets.js", "demo/index.html", "demo/demo.js"].every((file) => existsSync(join(packageRoot, "dist", "cdn", file)));
if (!built || process.argv.includes("--force")) {
  console.log("[widgets] building @pulse/widgets (first run)…");
  const result = spawnSync("pnpm", ["run", "build"], { cwd: packageRoot, stdio: "inherit", shell: process.platform === "win32" });
  if (result.status !== 0) {
    console.error("[widgets] build failed");
    process.exit(result.status ?? 1);
  }
}
