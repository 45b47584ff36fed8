// Builds a package (its `build` script) when one of its outputs is missing or older than any of
// its sources, so that `pnpm start` and the end-to-end tests never serve a stale build. Each
// package's scripts/ensure-built.mjs names its outputs and sources and calls this.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

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

/**
 * @param {{ label: string, what: string, packageRoot: string, outputs: string[], sources: string[] }} options
 *   outputs and sources relative to packageRoot; `what` names the package in the messages.
 */
export function ensureBuilt({ label, what, packageRoot, outputs, sources }) {
  const files = outputs.map((file) => join(packageRoot, file));
  const builtAt = files.every((file) => existsSync(file))
    ? Math.min(...files.map((file) => statSync(file).mtimeMs))
    : 0;
  const changedAt = Math.max(...sources.map((source) => newest(join(packageRoot, source))));
  if (builtAt !== 0 && changedAt <= builtAt && !process.argv.includes("--force")) return;
  console.log(
    builtAt === 0
      ? `[${label}] building ${what} (first run)…`
      : `[${label}] sources changed: rebuilding ${what}…`,
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
    console.error(`[${label}] build failed`);
    process.exit(result.status ?? 1);
  }
}
