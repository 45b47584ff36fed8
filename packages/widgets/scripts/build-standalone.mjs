// @ts-check
/**
 * Writes dist/cdn/: the standalone scripts and the demo page, ready to be served as /widgets/.
 *   /widgets/pulse-widgets.js        every widget
 *   /widgets/pulse-<widget>.js       one widget each
 *   /widgets/<name>.<hash>.js        the same under content-hashed names (manifest.json maps them)
 *   /widgets/pulse-health-badge-<language>.js   the badge's texts per language, fetched by the badge
 *   *.br, *.gz                       brotli and gzip of each script, made here (scripts/cdn-files.mjs)
 *   /widgets/demo/                   index.html, demo.css, demo.js
 */
import { copyFile, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeCdnFiles } from "./cdn-files.mjs";
import { buildStandalone, buildStandaloneFiles, packageRoot, standaloneScripts } from "./standalone.mjs";

// These files ship: Lit's production build, whatever NODE_ENV the caller has (vitest's global
// setup runs this build with NODE_ENV=test, which made Vite resolve Lit's development build).
process.env.NODE_ENV = "production";

const outDir = join(packageRoot, "dist", "cdn");
await rm(outDir, { recursive: true, force: true });
/** @type {string[]} */
const languageModules = [];
for (const script of standaloneScripts) {
  const { chunks } = await buildStandaloneFiles({ ...script, outDir, write: true });
  languageModules.push(...chunks.keys());
}
await writeCdnFiles(
  outDir,
  standaloneScripts.map((script) => script.file),
  languageModules,
);
await buildStandalone({ entry: "demo/demo.ts", file: "demo/demo.js", outDir, write: true });
await mkdir(join(outDir, "demo"), { recursive: true });
for (const file of ["index.html", "demo.css"]) {
  await copyFile(join(packageRoot, "demo", file), join(outDir, "demo", file));
}
console.log(`standalone scripts and demo written to ${outDir}`);
