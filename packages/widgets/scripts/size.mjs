// @ts-check
/**
 * Prints the gzip size of every standalone script (Lit included) against its budget,
 * and exits with 1 when one is over. Builds in memory, from the sources. Language modules (the
 * badge's texts per language) are listed each against their own budget.
 */

import { join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  buildStandaloneFiles,
  languageModuleBudgetBytes,
  packageRoot,
  standaloneScripts,
} from "./standalone.mjs";

const kb = (bytes) => (bytes / 1024).toFixed(2);
const rows = [];
for (const script of standaloneScripts) {
  const { code, chunks } = await buildStandaloneFiles({
    ...script,
    outDir: join(packageRoot, "dist", "cdn"),
    write: false,
  });
  const gzip = (text) => gzipSync(text, { level: 9 }).length;
  rows.push({
    file: script.file,
    minified: Buffer.byteLength(code),
    gzipped: gzip(code),
    budget: script.budgetKb * 1024,
  });
  for (const [file, chunk] of chunks) {
    rows.push({
      file,
      minified: Buffer.byteLength(chunk),
      gzipped: gzip(chunk),
      budget: languageModuleBudgetBytes,
    });
  }
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
