// @ts-check
/**
 * Before the browser tests: builds the standalone pulse-widgets.js (minified templates, production
 * Lit, as shipped) into dist/test/, so the demo-page test runs the real script under a strict CSP.
 */
import { join } from "node:path";
import { buildStandalone, packageRoot } from "./standalone.mjs";

export default async function buildShippedScript() {
  const outDir = join(packageRoot, "dist", "test");
  await buildStandalone({ entry: "src/index.ts", file: "pulse-widgets.js", outDir, write: true });
}
