/** A standalone script and its gzip budget in KB; `languageChunks`: its languages' texts are modules of their own. */
export interface StandaloneScript {
  file: string;
  entry: string;
  budgetKb: number;
  languageChunks?: boolean;
}
export const packageRoot: string;
export const standaloneScripts: StandaloneScript[];
/** The gzip budget of one language module (one language's texts), in bytes. */
export const languageModuleBudgetBytes: number;
export interface BuildOptions {
  entry: string;
  file: string;
  outDir: string;
  write: boolean;
  languageChunks?: boolean;
}
/** Builds one entry; resolves to its file's code. */
export function buildStandalone(options: BuildOptions): Promise<string>;
/** Builds one entry; resolves to its file's code and its language modules (file name → code). */
export function buildStandaloneFiles(
  options: BuildOptions,
): Promise<{ code: string; chunks: Map<string, string> }>;
