import minifyTemplates from "@lit-labs/rollup-plugin-minify-html-literals";
import { defineConfig } from "vite";

/**
 * The npm build: one ES module per widget (plus the index and the React wrappers), with Lit and
 * React left to the application's bundler. The self-contained `<script>` builds are made by
 * scripts/build-standalone.mjs, one Vite build per file so each one carries its own Lit.
 */
export default defineConfig({
  // Same template minification as the standalone scripts (scripts/standalone.mjs), which the demo test runs.
  plugins: [minifyTemplates({ failOnError: true, options: { minifyOptions: { keepClosingSlash: true } } })],
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    lib: {
      entry: {
        index: "src/index.ts",
        "pulse-health-badge": "src/pulse-health-badge/pulse-health-badge.ts",
        "pulse-nps-survey": "src/pulse-nps-survey/pulse-nps-survey.ts",
        "pulse-ces-survey": "src/pulse-ces-survey/pulse-ces-survey.ts",
        "pulse-csat-survey": "src/pulse-csat-survey/pulse-csat-survey.ts",
        react: "src/react/index.ts",
      },
      formats: ["es"],
    },
    rollupOptions: {
      external: [/^lit(\/|$)/, /^@lit\//, /^react(\/|$)/, /^react-dom(\/|$)/],
      output: { chunkFileNames: "chunks/[name]-[hash].js" },
    },
  },
});
