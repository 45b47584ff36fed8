// @ts-check
/**
 * What a CDN would serve, made at build time: for each standalone script `<name>.js`, a copy
 * under its content-hashed name `<name>.<hash>.js` (cacheable forever: a new build is a new
 * name), and brotli (`.br`) and gzip (`.gz`) files of both, so the server compresses nothing per
 * request. `manifest.json` maps each stable name to its hashed one.
 */
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/** The first 12 hex digits of the SHA-256 of `content`: the hash in hashed file names. */
export function contentHash(content) {
  return createHash("sha256").update(content).digest("hex").slice(0, 12);
}

/** Brotli at its best quality, for text. */
export function brotli(content) {
  return brotliCompressSync(content, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
    },
  });
}

/** Gzip at level 9. */
export function gzip(content) {
  return gzipSync(content, { level: 9 });
}

/**
 * Writes the hashed copies, the compressed files and manifest.json for `files` in `outDir`.
 * @param {string} outDir
 * @param {string[]} files stable names, e.g. "pulse-widgets.js"
 * @param {string[]} [modules] modules the scripts import by their stable name (the badge's
 *   languages): compressed too, never renamed
 * @returns {Promise<Record<string, string>>} stable name → hashed name
 */
export async function writeCdnFiles(outDir, files, modules = []) {
  /** @type {Record<string, string>} */
  const manifest = {};
  for (const file of files) {
    const content = await readFile(join(outDir, file));
    const hashed = file.replace(/\.js$/, `.${contentHash(content)}.js`);
    manifest[file] = hashed;
    const compressed = { br: brotli(content), gz: gzip(content) };
    for (const name of [file, hashed]) {
      if (name !== file) await writeFile(join(outDir, name), content);
      await writeFile(join(outDir, `${name}.br`), compressed.br);
      await writeFile(join(outDir, `${name}.gz`), compressed.gz);
    }
  }
  for (const module of modules) {
    const content = await readFile(join(outDir, module));
    await writeFile(join(outDir, `${module}.br`), brotli(content));
    await writeFile(join(outDir, `${module}.gz`), gzip(content));
  }
  await writeFile(join(outDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
