// @ts-check
/**
 * Self-contained builds: each file carries Lit and everything it needs, minified, for
 * `<script type="module" src="…">` on any page. Shared by the build and the size report,
 * so the sizes reported are the sizes shipped.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import minifyTemplates from "@lit-labs/rollup-plugin-minify-html-literals";
import { build } from "vite";

export const packageRoot = fileURLToPath(new URL("..", import.meta.url));

/** What ships as a standalone script, with its gzip budget in KB (1 KB = 1024 bytes). */
export const standaloneScripts = [
  { file: "pulse-health-badge.js", entry: "src/pulse-health-badge/pulse-health-badge.ts", budgetKb: 10 },
  { file: "pulse-nps-survey.js", entry: "src/pulse-nps-survey/pulse-nps-survey.ts", budgetKb: 16 },
  { file: "pulse-ces-survey.js", entry: "src/pulse-ces-survey/pulse-ces-survey.ts", budgetKb: 16 },
  { file: "pulse-csat-survey.js", entry: "src/pulse-csat-survey/pulse-csat-survey.ts", budgetKb: 16 },
  { file: "pulse-widgets.js", entry: "src/index.ts", budgetKb: 25 },
];

/**
 * Builds one entry into one file and returns its code.
 * @param {{ entry: string, file: string, outDir: string, write: boolean }} options
 * @returns {Promise<string>}
 */
export async function buildStandalone({ entry, file, outDir, write }) {
  const result = await build({
    configFile: false,
    root: packageRoot,
    logLevel: "warn",
    mode: "production",
    // Lit's html`` and css`` templates are strings to esbuild; this minifies their markup and CSS.
    // keepClosingSlash: without it `<rect/>` in svg`` templates loses its slash and the next shape nests inside it.
    plugins: [minifyTemplates({ failOnError: true, options: { minifyOptions: { keepClosingSlash: true } } })],
    build: {
      target: "es2022",
      outDir,
      emptyOutDir: false,
      write,
      // Not library mode: Vite's library mode leaves whitespace in ES output, and these files are final.
      // Terser packs about 2 % smaller than esbuild here, which the size budget needs.
      minify: "terser",
      terserOptions: { ecma: 2020, module: true, compress: { passes: 3 }, format: { comments: false } },
      modulePreload: false,
      copyPublicDir: false,
      reportCompressedSize: false,
      rollupOptions: {
        input: join(packageRoot, entry),
        preserveEntrySignatures: "strict",
        output: { format: "es", entryFileNames: file, inlineDynamicImports: true },
      },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  for (const output of outputs) {
    if (!("output" in output)) continue;
    const chunk = output.output.find((item) => item.type === "chunk" && item.isEntry);
    if (chunk && chunk.type === "chunk") return chunk.code;
  }
  throw new Error(`No output for ${entry}`);
}
