// SQL that turns one Prisma schema into another, computed by Prisma 6.19's WebAssembly
// schema engine (see TOOLCHAIN: Prisma 7's CLI needs a native engine we cannot download).
// Prisma 6 wants `url = env(...)` in the datasource while Prisma 7 rejects it, so each
// schema is diffed from a temporary copy with that line added.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const prisma6Cli = join(packageRoot, "node_modules", "prisma6", "build", "index.js");
const config = join(packageRoot, "tools", "prisma6.config.ts");

/** Rewrites a Prisma 7 schema text so that Prisma 6's CLI accepts it. */
function toPrisma6Schema(text) {
  return text
    .replace(/generator\s+pothos\s*\{[^}]*\}/, "")
    .replace(/generator\s+client\s*\{[^}]*\}/, 'generator client {\n  provider = "prisma-client-js"\n}')
    .replace(
      /datasource\s+db\s*\{[^}]*\}/,
      'datasource db {\n  provider = "postgresql"\n  url      = env("PULSE_TOOLING_DATABASE_URL")\n}',
    );
}

/**
 * Returns the SQL script from `fromSchemaText` (null = empty database) to `toSchemaText`.
 * `databaseUrl` must reach a live PostgreSQL: the engine connects through the adapter even
 * though the diff itself only compares the two schemas.
 */
export function diffSchemas({ fromSchemaText, toSchemaText, databaseUrl }) {
  const work = mkdtempSync(join(tmpdir(), "pulse-schema-diff-"));
  try {
    const placeholder = join(work, "engine-placeholder");
    writeFileSync(placeholder, "placeholder\n");
    const to = join(work, "to.prisma");
    writeFileSync(to, toPrisma6Schema(toSchemaText));
    const args = [prisma6Cli, "migrate", "diff", "--config", config, "--script"];
    if (fromSchemaText === null) {
      args.push("--from-empty");
    } else {
      const from = join(work, "from.prisma");
      writeFileSync(from, toPrisma6Schema(fromSchemaText));
      args.push("--from-schema-datamodel", from);
    }
    args.push("--to-schema-datamodel", to);
    const result = spawnSync(process.execPath, args, {
      cwd: packageRoot,
      encoding: "utf8",
      env: {
        ...process.env,
        PULSE_TOOLING_DATABASE_URL: databaseUrl,
        PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
        PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        CHECKPOINT_DISABLE: "1",
      },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status !== 0) {
      throw new Error(`prisma migrate diff failed (${result.status}): ${result.stderr}`);
    }
    return result.stdout;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function readSchemaText(path = join(packageRoot, "prisma", "schema.prisma")) {
  return readFileSync(path, "utf8");
}
