import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// The end-to-end tests serve the built widgets from the Pulse server.
export default function buildWidgets(): void {
  const script = join(
    dirname(fileURLToPath(import.meta.url)),
    "..",
    "packages",
    "widgets",
    "scripts",
    "ensure-built.mjs",
  );
  execFileSync(process.execPath, [script], { stdio: "inherit" });
}
