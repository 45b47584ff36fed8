/** The first 12 hex digits of the SHA-256 of `content`: the hash in hashed file names. */
export function contentHash(content: Buffer | string): string;
/** Brotli at its best quality, for text. */
export function brotli(content: Buffer): Buffer;
/** Gzip at level 9. */
export function gzip(content: Buffer): Buffer;
/**
 * Writes hashed copies, `.br`/`.gz` files and manifest.json for `files` in `outDir`, and `.br`/`.gz`
 * files for `modules` (imported by their stable names); returns stable name → hashed name.
 */
export function writeCdnFiles(
  outDir: string,
  files: string[],
  modules?: string[],
): Promise<Record<string, string>>;
