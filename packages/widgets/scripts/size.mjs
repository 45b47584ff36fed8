// @ts-check
/**
 * Prints the gzip size of every standalone script (Lit included) against its budget,
 * and exits with 1 when one is over. Builds in memory, from the sources. A script with language
 * modules counts with its largest one (what a page in that language downloads).
 */

import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildStandaloneFiles, packageRoot, standaloneScripts } from "./standalone.mjs";

const kb = (bytes) => (bytes / 1024).toFixed(2);
const rows = [];
for (const script of standaloneScripts) {
  const { code, chunks } = await buildStandaloneFiles({
    ...script,
    outDir: join(packageRoot, "dist", "cdn"),
    write: false,
  });
  const largest = (measure) => Math.max(0, ...[...chunks.values()].map(measure));
  const minified = Buffer.byteLength(code) + largest((chunk) => Buffer.byteLength(chunk));
  const gzipped =
    gzipSync(code, { level: 9 }).length + largest((chunk) => gzipSync(chunk, { level: 9 }).length);
  const file = chunks.size > 0 ? `${script.file} + largest language` : script.file;
  rows.push({ file, minified, gzipped, budget: script.budgetKb * 1024 });
}

const header = ["script", "minified KB", "gzip KB", "budget KB", ""];
const lines = rows.map((row) => [
  row.file,
  kb(row.minified),
  kb(row.gzipped),
  kb(row.budget),
  row.gzipped <= row.budget ? "ok" : "OVER BUDGET",
]);
const widths = header.map((title, column) =>
  Math.max(title.length, ...lines.map((line) => line[column].length)),
);
const format = (cells) =>
  cells
    .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
    .join("  ");
console.log(format(header));
console.log(widths.map((width) => "-".repeat(width)).join("  "));
for (const line of lines) console.log(format(line));

const over = rows.filter((row) => row.gzipped > row.budget);
if (over.length > 0) {
  console.error(`\n${over.length} script(s) over budget: ${over.map((row) => row.file).join(", ")}`);
  process.exit(1);
}
