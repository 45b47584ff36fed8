// Builds the widgets (npm modules, dist/cdn scripts, demo page) when dist/cdn is missing or older
// than any of their sources: `pnpm start` and the end-to-end tests serve them from the Pulse
// server, and must never serve a stale build.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const outputs = ["pulse-widgets.js", "demo/index.html", "demo/demo.js"].map((file) =>
  join(packageRoot, "dist", "cdn", file),
);
const sources = [
  "src",
  "demo",
  "scripts",
  "vite.config.ts",
  "package.json",
  "tsconfig.json",
  "tsconfig.build.json",
];

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

const builtAt = outputs.every((file) => existsSync(file))
  ? Math.min(...outputs.map((file) => statSync(file).mtimeMs))
  : 0;
const changedAt = Math.max(...sources.map((source) => newest(join(packageRoot, source))));
if (builtAt === 0 || changedAt > builtAt || process.argv.includes("--force")) {
  console.log(
    builtAt === 0
      ? "[widgets] building @pulse/widgets (first run)…"
      : "[widgets] sources changed: rebuilding @pulse/widgets…",
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
    console.error("[widgets] build failed");
    process.exit(result.status ?? 1);
  }
}
