import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// The end-to-end tests serve the built widgets and the reference dashboard from the Pulse server.
export default function buildWidgets(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  for (const script of [
    join(root, "packages", "widgets", "scripts", "ensure-built.mjs"),
    join(root, "examples", "dashboard", "scripts", "ensure-built.mjs"),
  ])
    execFileSync(process.execPath, [script], { stdio: "inherit" });
}
