// Builds the dashboard (dist/) when it is missing or older than any of its sources: `pnpm start`
// and the end-to-end tests serve it from the Pulse server at /demo/dashboard/, never stale.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const output = join(packageRoot, "dist", "index.html");
const sources = ["src", "index.html", "vite.config.ts", "package.json"];

/** The newest modification time under `path` (a file or a folder, recursively). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (latest, entry) => Math.max(latest, newest(join(path, entry))),
    stat.mtimeMs,
  );
}

const builtAt = existsSync(output) ? statSync(output).mtimeMs : 0;
const changedAt = Math.max(...sources.map((source) => newest(join(packageRoot, source))));
if (builtAt === 0 || changedAt > builtAt || process.argv.includes("--force")) {
  console.log(
    builtAt === 0 ? "[dashboard] building (first run)…" : "[dashboard] sources changed: rebuilding…",
  );
  // The pnpm that runs this script (npm_execpath), so no `pnpm` on PATH is needed.
  const pnpm = process.env.npm_execpath?.includes("pnpm") ? process.env.npm_execpath : null;
  const [command, args] = pnpm
    ? [process.execPath, [pnpm, "run", "build"]]
    : ["npx", ["-y", "pnpm@10.20.0", "run", "build"]];
  const result = spawnSync(command, args, {
    cwd: packageRoot,
    stdio: "inherit",
    shell: process.platform === "win32",
  });
  if (result.status !== 0) {
    console.error("[dashboard] build failed");
    process.exit(result.status ?? 1);
  }
}
