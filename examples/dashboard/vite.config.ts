import minifyTemplates from "@lit-labs/rollup-plugin-minify-html-literals";
import { defineConfig } from "vite";

/**
 * The dashboard page and its one script, served by the Pulse server at /demo/dashboard/ (relative
 * asset URLs, so the page works under that path). Its own bundle: nothing here touches the widgets'.
 */
export default defineConfig({
  base: "./",
  // Lit's production build whatever NODE_ENV the caller has (a test runner sets "test", which
  // would pick Lit's development build with its console warnings).
  resolve: { conditions: ["module", "browser", "production"] },
  plugins: [minifyTemplates({ failOnError: true, options: { minifyOptions: { keepClosingSlash: true } } })],
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    assetsDir: "assets",
  },
});
