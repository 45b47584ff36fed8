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

/**
 * What ships as a standalone script, with its gzip budget in KB (1 KB = 1024 bytes). A script
 * with `languageChunks` fetches each language's texts but English as a module of its own, next
 * to it (`pulse-health-badge-de.js`), so each page downloads one language, not all; each such
 * module has a budget of its own, {@link languageModuleBudgetBytes}. The others carry everything
 * in one file.
 */
export const standaloneScripts = [
  {
    file: "pulse-health-badge.js",
    entry: "src/pulse-health-badge/pulse-health-badge.ts",
    budgetKb: 10,
    languageChunks: true,
  },
  { file: "pulse-nps-survey.js", entry: "src/pulse-nps-survey/pulse-nps-survey.ts", budgetKb: 16 },
  { file: "pulse-ces-survey.js", entry: "src/pulse-ces-survey/pulse-ces-survey.ts", budgetKb: 16 },
  { file: "pulse-csat-survey.js", entry: "src/pulse-csat-survey/pulse-csat-survey.ts", budgetKb: 16 },
  { file: "pulse-widgets.js", entry: "src/index.ts", budgetKb: 25 },
];

/** The gzip budget of one language module (one language's texts), in bytes. */
export const languageModuleBudgetBytes = 512;

/**
 * Members of the widgets' own classes that only their own code reads, always as `this.name`
 * (never by a string, never by a page, never as an event's or request's field): the standalone
 * scripts shorten them. Lit's reactive properties are not here (Lit and `changed.has("…")` name
 * them by string), nor anything public.
 */
const internalMembers = new RegExp(
  `^(${[
    "loadGeneration",
    "refreshTimer",
    "scheduleRefresh",
    "renderTrend",
    "renderSparkline",
    "renderComponents",
    "renderChoice",
    "renderComment",
    "renderRating",
    "renewToken",
    "renewedToken",
    "withToken",
    "reconfigured",
    "textOverride",
    "requestController",
    "focusOrigin",
    "focusWasInside",
    "followUpBand",
    "followUpPrompt",
    "isOwnResponse",
    "submitComment",
    "submitScore",
    "surveyText",
    "onDelivered",
    "onQueued",
    "onRejected",
  ].join("|")})$`,
);

/**
 * Library mode keeps `/* @__PURE__ *\/` annotations for the application's bundler; these files are
 * final, so they go (bytes, not behaviour).
 * @type {import("vite").Plugin}
 */
const dropPureAnnotations = {
  name: "pulse-drop-pure-annotations",
  generateBundle(_options, bundle) {
    for (const item of Object.values(bundle)) {
      if (item.type === "chunk") item.code = item.code.replaceAll("/* @__PURE__ */", "");
    }
  },
};

/**
 * Builds one entry into one file and returns its code.
 * @param {{ entry: string, file: string, outDir: string, write: boolean, languageChunks?: boolean }} options
 * @returns {Promise<string>}
 */
export async function buildStandalone(options) {
  return (await buildStandaloneFiles(options)).code;
}

/**
 * Builds one entry: its file's code, and its language modules (file name → code) when it has them.
 * @param {{ entry: string, file: string, outDir: string, write: boolean, languageChunks?: boolean }} options
 * @returns {Promise<{ code: string, chunks: Map<string, string> }>}
 */
export async function buildStandaloneFiles({ entry, file, outDir, write, languageChunks = false }) {
  const result = await build({
    configFile: false,
    root: packageRoot,
    logLevel: "warn",
    mode: "production",
    // Lit's html`` and css`` templates are strings to esbuild; this minifies their markup and CSS.
    // keepClosingSlash: without it `<rect/>` in svg`` templates loses its slash and the next shape nests inside it.
    plugins: [
      minifyTemplates({ failOnError: true, options: { minifyOptions: { keepClosingSlash: true } } }),
      dropPureAnnotations,
    ],
    build: {
      target: "es2022",
      outDir,
      emptyOutDir: false,
      write,
      // Terser packs about 2 % smaller than esbuild here, which the size budget needs.
      minify: "terser",
      terserOptions: {
        ecma: 2020,
        module: true,
        compress: { passes: 3, unsafe_arrows: true, pure_getters: true },
        mangle: { properties: { regex: internalMembers } },
        format: { comments: false },
      },
      modulePreload: false,
      copyPublicDir: false,
      reportCompressedSize: false,
      // Library mode: outside it Vite wraps each import() (the badge's languages) in a preload
      // helper, about 450 bytes gzip that a language module, fetched or inlined, does not need.
      lib: { entry: join(packageRoot, entry), formats: ["es"], fileName: () => file },
      rollupOptions: {
        input: join(packageRoot, entry),
        preserveEntrySignatures: "strict",
        output: {
          format: "es",
          entryFileNames: file,
          inlineDynamicImports: !languageChunks,
          // Flat names the server's /widgets/ route serves: pulse-health-badge-de.js.
          chunkFileNames: `${file.replace(/\.js$/, "")}-[name].js`,
        },
      },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  for (const output of outputs) {
    if (!("output" in output)) continue;
    const chunk = output.output.find((item) => item.type === "chunk" && item.isEntry);
    if (chunk && chunk.type === "chunk") {
      const chunks = new Map();
      for (const item of output.output) {
        if (item.type === "chunk" && !item.isEntry) chunks.set(item.fileName, item.code);
      }
      return { code: chunk.code, chunks };
    }
  }
  throw new Error(`No output for ${entry}`);
}
