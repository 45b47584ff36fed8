// W: gzip sizes of the self-contained widget scripts against the budgets the widgets package
// declares (scripts/standalone.mjs), built in memory the way its own `size` script does. Skipped
// with a note when the widgets package has no such build yet.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { repositoryRoot } from "../config.ts";
import type { Run } from "../lib/run.ts";

export interface WidgetSize {
  file: string;
  minifiedBytes: number;
  gzipBytes: number;
  budgetBytes: number | null;
  withinBudget: boolean | null;
}

export type WidgetResults = { source: string; sizes: WidgetSize[] } | { skipped: string };

interface StandaloneModule {
  standaloneScripts: { file: string; entry: string; budgetKb: number }[];
  buildStandalone(options: { entry: string; file: string; outDir: string; write: boolean }): Promise<string>;
}

export async function widgetScenario(run: Run): Promise<WidgetResults> {
  const widgets = join(repositoryRoot, "packages/widgets");
  const standalone = join(widgets, "scripts/standalone.mjs");
  if (existsSync(standalone)) {
    const module = (await import(pathToFileURL(standalone).href)) as StandaloneModule;
    const sizes: WidgetSize[] = [];
    for (const script of module.standaloneScripts) {
      const code = await module.buildStandalone({
        ...script,
        outDir: join(widgets, "dist", "cdn"),
        write: false,
      });
      const gzipBytes = gzipSync(code, { level: 9 }).length;
      const budgetBytes = script.budgetKb * 1024;
      sizes.push({
        file: script.file,
        minifiedBytes: Buffer.byteLength(code),
        gzipBytes,
        budgetBytes,
        withinBudget: gzipBytes <= budgetBytes,
      });
    }
    run.log(`W: ${sizes.map((s) => `${s.file} ${(s.gzipBytes / 1024).toFixed(2)} KB gz`).join(", ")}`);
    return { source: "packages/widgets/scripts/standalone.mjs (built in memory, gzip -9)", sizes };
  }
  const dist = join(widgets, "dist");
  if (existsSync(dist)) {
    const files = readdirSync(dist).filter((file) => file.endsWith(".js"));
    const sizes = files.map((file) => {
      const code = readFileSync(join(dist, file));
      return {
        file,
        minifiedBytes: code.length,
        gzipBytes: gzipSync(code, { level: 9 }).length,
        budgetBytes: null,
        withinBudget: null,
      };
    });
    return { source: "packages/widgets/dist (no budgets declared)", sizes };
  }
  const skipped = "packages/widgets has no build on this branch yet (no scripts/standalone.mjs, no dist/)";
  run.log(`W: skipped — ${skipped}`);
  return { skipped };
}
